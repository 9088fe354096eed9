"""hub_core.server."""
