"""The embedded stack of ``deepsentinel services|demo|dev``: PostgreSQL and the AWS emulator."""
