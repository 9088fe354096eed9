"""hub_core.wire."""
