"""The database schema, split by meaning. Import from here."""

from alerts.db.models.base import Model
from alerts.db.models.events import Event
from alerts.db.models.incidents import Incident, IncidentCell, Report, Tasking
from alerts.db.models.messages import DeliveryReceipt, InboundMessage, OutboundMessage, Outbox
from alerts.db.models.network import OperatingBase, Place, Sender, Unit

__all__ = [
    "DeliveryReceipt",
    "Event",
    "InboundMessage",
    "Incident",
    "IncidentCell",
    "Model",
    "OperatingBase",
    "OutboundMessage",
    "Outbox",
    "Place",
    "Report",
    "Sender",
    "Tasking",
    "Unit",
]
