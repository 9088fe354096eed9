"""hub_core.client.hub_client."""
