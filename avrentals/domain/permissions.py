"""Roles and permissions (DESIGN §6), kept as data so tests and UIs read the same matrix."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from avrentals.domain.enums import Role
from avrentals.domain.errors import Forbidden, Unauthorized

A, M, T, E, V = Role.ADMIN, Role.MANAGER, Role.TECHNICIAN, Role.EMPLOYEE, Role.VIEWER
ALL = frozenset(Role)

# permission -> roles holding it. Reads need a signed-in, active user of any role.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "equipment:read": ALL,
    "equipment:write": frozenset({A, M, T}),
    "equipment:delete": frozenset({A, M}),
    "categories:read": ALL,
    "categories:write": frozenset({A, M, T}),
    "categories:delete": frozenset({A, M}),
    "clients:read": ALL,
    "clients:write": frozenset({A, M, E}),
    "clients:delete": frozenset({A, M}),
    "events:read": ALL,
    "events:write": frozenset({A, M, E}),
    "events:delete": frozenset({A, M}),
    "rentals:read": ALL,
    "rentals:write": frozenset({A, M, T, E}),
    "rentals:delete": frozenset({A, M}),
    "quotes:read": ALL,
    "quotes:write": frozenset({A, M, E}),
    "quotes:delete": frozenset({A, M}),
    "services:read": ALL,
    "services:write": frozenset({A, M, E}),
    "fees:read": ALL,
    "fees:write": frozenset({A, M, E}),
    "maintenance:read": ALL,
    "maintenance:write": frozenset({A, M, T}),
    "reports:read": frozenset({A, M}),
    "users:read": frozenset({A, M}),
    "users:write": frozenset({A}),
    "users:delete": frozenset({A}),
    "settings:write": frozenset({A}),
    "audit:read": frozenset({A}),
}

ROLE_DESCRIPTIONS: dict[Role, str] = {
    A: "Full access, including users, settings and the audit log.",
    M: "Runs the business: inventory, clients, events, quotes, reports; no user admin.",
    T: "Warehouse: inventory, prep scans and maintenance; reads everything else.",
    E: "Sales and crew: clients, events, bookings and quotes; reads inventory.",
    V: "Read-only access to inventory, clients, events and quotes.",
}


def has_permission(role: Role | str, permission: str) -> bool:
    """True when `role` holds `permission`. Unknown permissions are held by nobody."""
    try:
        return Role(role) in PERMISSIONS.get(permission, frozenset())
    except ValueError:
        return False


def permissions_of(role: Role | str) -> frozenset[str]:
    return frozenset(p for p in PERMISSIONS if has_permission(role, p))


@dataclass(frozen=True)
class Actor:
    """Who performs a service call: a verified, active user plus request context."""

    user_id: UUID
    username: str
    name: str
    role: Role
    ip: str | None = None
    language: str | None = None  # the user's interface language; None follows the browser
    user_agent: str | None = None

    def can(self, permission: str) -> bool:
        return has_permission(self.role, permission)


def require(actor: Actor | None, permission: str) -> Actor:
    """Return `actor` if it holds `permission`.

    Raises Unauthorized without an actor, Forbidden when the role lacks the permission.
    """
    if actor is None:
        raise Unauthorized("Sign in to continue.")
    if not actor.can(permission):
        raise Forbidden(f"Your role ({actor.role}) may not do this ({permission}).")
    return actor
