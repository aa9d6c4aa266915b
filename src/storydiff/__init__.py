"""storydiff: what news sources agree on, where they conflict, and what only one says."""
