"""The database schema, split by meaning. Import from here."""

from alerts.db.models.base import Model
from alerts.db.models.dispatch import CallbackTask, Deadline, NonCompliance, SmsLane
from alerts.db.models.events import Event
from alerts.db.models.history import HistoricalIncident
from alerts.db.models.incidents import Incident, IncidentCell, Report, Tasking
from alerts.db.models.messages import DeliveryReceipt, InboundMessage, OutboundMessage, Outbox
from alerts.db.models.network import Contact, Mission, OperatingBase, Place, Sender, Unit
from alerts.db.models.users import ConsoleSession, User

__all__ = [
    "CallbackTask",
    "ConsoleSession",
    "Contact",
    "Deadline",
    "DeliveryReceipt",
    "Event",
    "HistoricalIncident",
    "InboundMessage",
    "Incident",
    "IncidentCell",
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
