"""The DESIGN §6 matrix, transcribed independently, against the service-layer table."""

from __future__ import annotations

import uuid

import pytest

from avrentals.domain.enums import Role
from avrentals.domain.errors import Forbidden, Unauthorized
from avrentals.domain.permissions import PERMISSIONS, Actor, has_permission, require

# Columns: Admin, Manager, Technician, Employee, Viewer (DESIGN §6, row by row).
DESIGN_TABLE = """
equipment:read          1 1 1 1 1
categories:read         1 1 1 1 1
equipment:write         1 1 1 0 0
categories:write        1 1 1 0 0
equipment:delete        1 1 0 0 0
categories:delete       1 1 0 0 0
clients:read            1 1 1 1 1
clients:write           1 1 0 1 0
clients:delete          1 1 0 0 0
events:read             1 1 1 1 1
rentals:read            1 1 1 1 1
events:write            1 1 0 1 0
rentals:write           1 1 1 1 0
events:delete           1 1 0 0 0
rentals:delete          1 1 0 0 0
quotes:read             1 1 1 1 1
services:read           1 1 1 1 1
fees:read               1 1 1 1 1
quotes:write            1 1 0 1 0
services:write          1 1 0 1 0
fees:write              1 1 0 1 0
quotes:delete           1 1 0 0 0
maintenance:read        1 1 1 1 1
maintenance:write       1 1 1 0 0
reports:read            1 1 0 0 0
users:read              1 1 0 0 0
users:write             1 0 0 0 0
users:delete            1 0 0 0 0
settings:write          1 0 0 0 0
audit:read              1 0 0 0 0
"""
ROLES = [Role.ADMIN, Role.MANAGER, Role.TECHNICIAN, Role.EMPLOYEE, Role.VIEWER]
EXPECTED = {
    (perm, role): flag == "1"
    for perm, *flags in (line.split() for line in DESIGN_TABLE.strip().splitlines())
    for role, flag in zip(ROLES, flags, strict=True)
}


def test_matrix_covers_exactly_the_design_permissions() -> None:
    assert {perm for perm, _ in EXPECTED} == set(PERMISSIONS)


@pytest.mark.parametrize(("permission", "role"), sorted(EXPECTED))
def test_every_role_and_permission(permission: str, role: Role) -> None:
    assert has_permission(role, permission) is EXPECTED[(permission, role)]


def test_unknown_role_or_permission_is_denied() -> None:
    assert not has_permission("superuser", "equipment:read")
    assert not has_permission(Role.ADMIN, "equipment:teleport")


def _actor(role: Role) -> Actor:
    return Actor(user_id=uuid.uuid4(), username="u", name="U", role=role)


def test_require_raises_forbidden_and_unauthorized() -> None:
    assert require(_actor(Role.ADMIN), "audit:read").role is Role.ADMIN
    with pytest.raises(Forbidden):
        require(_actor(Role.MANAGER), "audit:read")
    with pytest.raises(Unauthorized):
        require(None, "equipment:read")
