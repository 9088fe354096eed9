"""The Developer tab (``tab.DeveloperTab``): log in, my games and reviews, publish, test locally."""
