"""An incident's status: which ones mean the response is over."""

from __future__ import annotations

# The response is over: a repeat report is news, and no deadline still matters.
DONE_STATUSES = ("responded", "closed", "merged", "false_alarm")
