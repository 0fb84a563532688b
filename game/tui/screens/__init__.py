"""The app's screens, one per module (see game/tui/app.py for how they are opened)."""
