"""The pipeline's pure part: the events it records as it turns a message into an alert."""
