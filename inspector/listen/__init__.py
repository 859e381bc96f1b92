"""The listener: receive webhooks over HTTP, store them before answering, verify signatures,
forward and replay. Uses the engine; never the UI."""
