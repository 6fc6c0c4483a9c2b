"""A loopback Discord (gateway + REST) that the real py-cord client connects to, for tests and the demo."""
