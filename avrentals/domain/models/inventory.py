"""Warehouse stock: categories, subcategories and equipment items."""

from __future__ import annotations

import uuid
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field

from avrentals.domain.enums import EquipmentType, UnitStatus
from avrentals.domain.models.base import (
    IdMixin,
    TimestampMixin,
    VersionedMixin,
    enum_type,
    money,
)


class Category(IdMixin, TimestampMixin, VersionedMixin, table=True):
    """Top-level grouping (Audio, Video, ...). Name unique; cannot be deleted while equipment
    uses it (the equipment foreign key is RESTRICT)."""

    __tablename__ = "category"
    __table_args__ = (sa.CheckConstraint("length(name) BETWEEN 1 AND 50", name="name_length"),)

    name: str = Field(max_length=50, unique=True)
    icon: str = Field(default="package", max_length=40)
    position: int = Field(default=0)


class Subcategory(IdMixin, TimestampMixin, VersionedMixin, table=True):
    """A subdivision of one category; name unique within its category. Deleted with its
    (unused) category; cannot be deleted while equipment uses it."""

    __tablename__ = "subcategory"
    __table_args__ = (
        sa.UniqueConstraint("category_id", "name", name="uq_subcategory_category_name"),
        # Target of equipment's composite key: a subcategory must belong to the item's category.
        sa.UniqueConstraint("id", "category_id", name="uq_subcategory_id_category"),
        sa.CheckConstraint("length(name) BETWEEN 1 AND 50", name="name_length"),
    )

    category_id: uuid.UUID = Field(foreign_key="category.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=50)


class EquipmentItem(IdMixin, TimestampMixin, VersionedMixin, table=True):
    """A stock line of identical units.

    Rules (held by the database): name 1-100 chars, description <= 500, quantity >= 0,
    good + damaged + maintenance = quantity (each >= 0), daily_rate >= 0 and 0 for
    consumables, asset_code unique, subcategory belongs to category (composite foreign key),
    category and subcategory cannot be deleted while used (RESTRICT). Only `good` units are
    bookable.
    """

    __tablename__ = "equipment_item"
    __table_args__ = (
        sa.CheckConstraint("length(name) BETWEEN 1 AND 100", name="name_length"),
        sa.CheckConstraint(
            "description IS NULL OR length(description) <= 500", name="description_length"
        ),
        sa.CheckConstraint("quantity >= 0", name="quantity_non_negative"),
        sa.CheckConstraint(
            "qty_good >= 0 AND qty_damaged >= 0 AND qty_maintenance >= 0",
            name="status_counts_non_negative",
        ),
        sa.CheckConstraint(
            "qty_good + qty_damaged + qty_maintenance = quantity", name="status_counts_sum"
        ),
        sa.CheckConstraint("daily_rate >= 0", name="daily_rate_non_negative"),
        sa.CheckConstraint(
            "item_type <> 'consumable' OR daily_rate = 0", name="consumable_rate_zero"
        ),
        sa.CheckConstraint("low_stock_threshold >= 0", name="low_stock_non_negative"),
        sa.CheckConstraint("length(location) >= 1", name="location_required"),
        sa.ForeignKeyConstraint(
            ["subcategory_id", "category_id"],
            ["subcategory.id", "subcategory.category_id"],
            name="fk_equipment_subcategory_in_category",
            ondelete="RESTRICT",
        ),
        sa.Index("ix_equipment_category_status", "category_id", "status"),
        sa.Index("ix_equipment_status", "status"),
        sa.Index(
            "ix_equipment_fulltext",
            sa.text("to_tsvector('simple', name || ' ' || coalesce(description, ''))"),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )

    name: str = Field(max_length=100, index=True)
    description: str | None = Field(default=None, max_length=500)
    category_id: uuid.UUID = Field(foreign_key="category.id", ondelete="RESTRICT")
    subcategory_id: uuid.UUID | None = Field(default=None, index=True)
    item_type: EquipmentType = Field(
        default=EquipmentType.EQUIPMENT,
        sa_type=enum_type(EquipmentType, "equipment_type"),
        nullable=False,
    )
    quantity: int = Field(default=0)
    qty_good: int = Field(default=0)
    qty_damaged: int = Field(default=0)
    qty_maintenance: int = Field(default=0)
    status: UnitStatus = Field(
        default=UnitStatus.GOOD, sa_type=enum_type(UnitStatus, "unit_status"), nullable=False
    )
    location: str = Field(max_length=100)
    daily_rate: Decimal = money()
    image: str | None = Field(default=None, max_length=255)
    asset_code: str = Field(max_length=32, unique=True)
    low_stock_threshold: int = Field(default=0)
