"""The inspector TUI: a Textual app over the engine's analyses.

Nothing below the CLI imports it; ``inspector.cli`` (open, listen, history, docs) builds the app
through ``inspector.tui.app.create_app``, and so do the tests, the screenshots and the benchmarks.
``app.py`` is wiring; the inspector itself is ``screens/main.py``, the docs view ``screens/docs.py``.
"""
