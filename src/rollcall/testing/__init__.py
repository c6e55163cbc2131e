"""rollcall's public pytest plugin: a Clever API emulator and clients for it as fixtures (docs/testing.md)."""
