"""Repairs and maintenance of equipment units."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field

from avrentals.domain.enums import MaintenanceStatus, UnitStatus
from avrentals.domain.models.base import (
    IdMixin,
    TimestampMixin,
    UTCDateTime,
    VersionedMixin,
    enum_type,
    money,
    user_fk,
)


class MaintenanceLog(IdMixin, TimestampMixin, VersionedMixin, table=True):
    """One repair / maintenance record for some units of an item.

    Rules: description >= 5 chars, cost >= 0, units >= 1. `from_status`/`to_status` record
    the unit status change it made. Deleted with its item.
    """

    __tablename__ = "maintenance_log"
    __table_args__ = (
        sa.CheckConstraint("length(description) >= 5", name="description_length"),
        sa.CheckConstraint("cost >= 0", name="cost_non_negative"),
        sa.CheckConstraint("units >= 1", name="units_positive"),
        sa.Index("ix_maintenance_item_status", "equipment_id", "status"),
    )

    equipment_id: uuid.UUID = Field(foreign_key="equipment_item.id", ondelete="CASCADE")
    log_date: date
    description: str = Field(max_length=1000)
    cost: Decimal = money()
    units: int = Field(default=1)
    from_status: UnitStatus | None = Field(
        default=None, sa_type=enum_type(UnitStatus, "maintenance_from_status")
    )
    to_status: UnitStatus | None = Field(
        default=None, sa_type=enum_type(UnitStatus, "maintenance_to_status")
    )
    technician_id: uuid.UUID | None = user_fk()
    event_id: uuid.UUID | None = Field(default=None, foreign_key="event.id", ondelete="SET NULL")
    status: MaintenanceStatus = Field(
        default=MaintenanceStatus.OPEN,
        sa_type=enum_type(MaintenanceStatus, "maintenance_status"),
        nullable=False,
    )
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
