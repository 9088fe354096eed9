"""Test locally: a game's server and clients on loopback, before anything is published."""
