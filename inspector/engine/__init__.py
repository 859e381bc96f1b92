"""The engine: parse, detect the payload form and event type, validate against the docs'
schemas, describe any field. No UI and no HTTP here; the listener and the TUI show what it returns.
"""
