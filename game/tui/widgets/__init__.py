"""The game's own widgets, one per module."""
