"""hub_core.server.lobby."""
