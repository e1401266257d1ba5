"""What a worker does with each inbound message: an alert is located, joined to its incident
and, once routable, tasked; a staff reply or a beep goes to dispatch. Replays run the same way."""

from alerts.pipeline.process import Outcome, process_message

__all__ = ["Outcome", "process_message"]
