"""The inspector TUI: a Textual app over the engine's analyses.

Nothing outside this package imports it; ``inspector.cli.open`` builds the app through
``inspector.tui.app.create_app``, and so do the tests and the listener.
"""
