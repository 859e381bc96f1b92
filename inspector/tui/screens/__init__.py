"""The app's screens, one module each: ``main`` (the inspector). A new screen is a module here;
the app installs or pushes it, and lists its palette entries if it has ``system_commands()``."""
