"""Every feature's tables, imported together so the metadata is whole.

Each feature keeps its own models; migrations, `create_all` in tests and anything
that needs the complete schema import this module (it is wiring, like bootstrap).
"""

from alerts.audit.models import HistoricalIncident
from alerts.console.models import ConsoleSession, User
from alerts.core.db.base import Model
from alerts.correlation.models import Incident, IncidentCell, Report
from alerts.dispatch.models import CallbackTask, Deadline, NonCompliance, Tasking
from alerts.intake.models import InboundMessage
from alerts.messaging.models import DeliveryReceipt, OutboundMessage, Outbox, SmsLane
from alerts.pipeline.models import Heartbeat, MessageRetry
from alerts.registry.models import Contact, Mission, OperatingBase, Place, Sender, Unit
from alerts.timeline.models import Event

__all__ = [
    "CallbackTask",
    "ConsoleSession",
    "Contact",
    "Deadline",
    "DeliveryReceipt",
    "Event",
    "Heartbeat",
    "HistoricalIncident",
    "InboundMessage",
    "Incident",
    "IncidentCell",
    "MessageRetry",
    "Mission",
    "Model",
    "NonCompliance",
    "OperatingBase",
    "OutboundMessage",
    "Outbox",
    "Place",
    "Report",
    "Sender",
    "SmsLane",
    "Tasking",
    "Unit",
    "User",
]
