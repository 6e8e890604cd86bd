"""What Cadence talks to outside itself: clipboard, webhook, calendar export,
config file, paths, atomic file writes."""
