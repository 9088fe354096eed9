"""Handing a hub over to another host (DESIGN §10): the sender, the receiver, their files."""
