"""Dispatch: who is tasked, how long they have, and what happens when they fail."""
