"""All table models; importing this package registers them on SQLModel.metadata."""

from avrentals.domain.models.base import utcnow
from avrentals.domain.models.clients import Client
from avrentals.domain.models.events import Event, Rental, ScanLog
from avrentals.domain.models.idempotency import IdempotencyKey
from avrentals.domain.models.inventory import Category, EquipmentItem, Subcategory
from avrentals.domain.models.maintenance import MaintenanceLog
from avrentals.domain.models.quotes import Fee, Quote, QuoteItem, QuoteSequence, Service
from avrentals.domain.models.system import AuditLog, CompanySettings, Notification
from avrentals.domain.models.users import User

__all__ = [
    "AuditLog",
    "Category",
    "Client",
    "CompanySettings",
    "EquipmentItem",
    "Event",
    "Fee",
    "IdempotencyKey",
    "MaintenanceLog",
    "Notification",
    "Quote",
    "QuoteItem",
    "QuoteSequence",
    "Rental",
    "ScanLog",
    "Service",
    "Subcategory",
    "User",
    "utcnow",
]
