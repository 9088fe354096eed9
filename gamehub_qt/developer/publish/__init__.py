"""Publishing from the Developer tab: check a folder or zip at once, then upload it."""
