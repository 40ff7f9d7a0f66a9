"""One module per command; each exposes `command`, a click command imported lazily by cli.py."""
