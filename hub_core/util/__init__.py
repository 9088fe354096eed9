"""hub_core.util."""
