"""The command line: ``main.py`` builds the parser; each command is a module with
``add_parser(sub)`` and ``run(args)``, and imports what it needs only inside ``run``."""

from inspector.cli.main import main

__all__ = ["main"]
