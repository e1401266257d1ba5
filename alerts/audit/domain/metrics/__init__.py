"""Response-time metrics, computed from the event timeline alone."""
