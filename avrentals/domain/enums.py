"""Closed vocabularies of the domain. Stored as their string values (CHECK-constrained)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    TECHNICIAN = "technician"
    EMPLOYEE = "employee"
    VIEWER = "viewer"


class EquipmentType(StrEnum):
    EQUIPMENT = "equipment"
    CONSUMABLE = "consumable"


class UnitStatus(StrEnum):
    GOOD = "good"
    DAMAGED = "damaged"
    MAINTENANCE = "maintenance"


class PrepStatus(StrEnum):
    PENDING = "pending"
    CHECKED_OUT = "checked-out"
    CHECKED_IN = "checked-in"


class ScanType(StrEnum):
    CHECKOUT = "checkout"
    CHECKIN = "checkin"


class ScanResult(StrEnum):
    OK = "OK"
    DUPLICATE = "DUPLICATE"
    QUANTITY_COMPLETE = "QUANTITY_COMPLETE"
    NOT_ON_EVENT = "NOT_ON_EVENT"
    VERSION_CONFLICT = "VERSION_CONFLICT"
    UNKNOWN_CODE = "UNKNOWN_CODE"


class MaintenanceStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class QuoteStatus(StrEnum):
    DRAFT = "Draft"
    SENT = "Sent"
    ACCEPTED = "Accepted"
    DECLINED = "Declined"
    ARCHIVED = "Archived"


class DiscountType(StrEnum):
    FIXED = "fixed"
    PERCENTAGE = "percentage"


class QuoteItemType(StrEnum):
    EQUIPMENT = "equipment"
    SERVICE = "service"
    FEE = "fee"


class NotificationType(StrEnum):
    EVENT_REMINDER = "event_reminder"
    CONFLICT_ALERT = "conflict_alert"
    MAINTENANCE_DUE = "maintenance_due"
    OVERDUE_RETURN = "overdue_return"
    LOW_STOCK = "low_stock"
    EQUIPMENT_STATUS_CHANGE = "equipment_status_change"
    NEW_EQUIPMENT = "new_equipment"
    SYSTEM = "system"


class Priority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Language(StrEnum):
    EN = "en"
    PT = "pt"
