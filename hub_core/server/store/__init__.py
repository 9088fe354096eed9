"""hub_core.server.store."""
