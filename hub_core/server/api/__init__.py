"""hub_core.server.api."""
