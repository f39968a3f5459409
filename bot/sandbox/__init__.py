"""The sandbox: the real bot against a local Bot API server, used from a browser."""
