"""Intake's pure part: the events it records as a message arrives."""
