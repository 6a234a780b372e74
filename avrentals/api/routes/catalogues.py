"""The service and fee catalogues (`/api/services[/{id}]`, `/api/fees[/{id}]`).

Rules live in `avrentals.domain.services.service_catalogue` / `fee_catalogue`; this module
maps HTTP to them (DESIGN §8): lists with `page`, `pageSize`, allow-listed `sort` (a leading
`-` descends), `search`, `status` (active / inactive / all) and `category`; 201 on create;
`PUT`/`PATCH` carry the `version` last seen (409 VERSION_CONFLICT with the saved row in
`details.current`); 422 with camelCase field messages (a duplicate name is one on `name`).

Rows are never deleted (quotes keep their lines): a service or fee that is no longer offered
is deactivated with `POST /{id}/deactivate {"version"}` and offered again with
`POST /{id}/activate {"version"}`. `isActive` cannot be changed by `PUT`/`PATCH`, and there is
no `DELETE`.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from pydantic import Field, StrictBool, StrictInt, StrictStr
from sqlmodel import Session, SQLModel

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import Envelope, ListEnvelope, error_responses, ok
from avrentals.api.route_helpers import (
    READ_ERRORS,
    UPDATE_ERRORS,
    WRITE_ERRORS,
    PageQ,
    PageSizeQ,
    parse_sort,
)
from avrentals.api.schemas import Money, MoneyIn, RequestBody, WireModel, service_fields
from avrentals.db import read_session, transaction
from avrentals.domain.enums import DiscountType
from avrentals.domain.errors import VersionConflict
from avrentals.domain.pagination import Page, PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.serialize import snapshot
from avrentals.domain.services import catalogue
from avrentals.domain.services import fee_catalogue as fees
from avrentals.domain.services import service_catalogue as services

router = APIRouter()

ServiceId = Annotated[uuid.UUID, Path(alias="id", description="Service id")]
FeeId = Annotated[uuid.UUID, Path(alias="id", description="Fee id")]
LIST_ERRORS = {401: "Not signed in", 422: "Bad paging, sort or status"}
ACTIVE_ERRORS = {**READ_ERRORS, 403: "Role may not do this", 409: "Stale version"}

SearchQ = Annotated[
    str | None, Query(description="Matches name, description or category", max_length=100)
]
StatusQ = Annotated[str, Query(description=f"One of {', '.join(catalogue.STATUSES)} (by isActive)")]
CategoryQ = Annotated[
    str | None, Query(description="Exact category, case-insensitive", max_length=50)
]


# --- wire shapes -----------------------------------------------------------------------------


class ServiceOut(WireModel):
    """A service of the catalogue: priced per `unit`; `unitPrice` a two-decimal string."""

    id: uuid.UUID
    name: str
    description: str | None
    unit_price: Money
    unit: str
    category: str | None
    is_active: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ServiceOut:
        return cls(**{k: row.get(k) for k in cls.model_fields})


class FeeOut(WireModel):
    """A fee of the catalogue: `amount` is money for a `fixed` fee, a percentage (0-100) of
    the discounted sub-total for a `percentage` one. `isRequired` fees go on every new
    quote."""

    id: uuid.UUID
    name: str
    description: str | None
    amount: Money
    fee_type: DiscountType
    category: str | None
    is_active: bool
    is_required: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> FeeOut:
        return cls(**{k: row.get(k) for k in cls.model_fields})


class ServiceCreate(RequestBody):
    """`POST /api/services`: `name` and `unitPrice` required; `unit` one of
    day/hour/unit/event/km (default day); `isActive` default true."""

    name: StrictStr
    description: StrictStr | None = None
    unit_price: MoneyIn
    unit: StrictStr | None = None
    category: StrictStr | None = None
    is_active: StrictBool | None = None


class ServiceUpdate(RequestBody):
    """`PUT`/`PATCH /api/services/{id}`: `version` plus the fields to change (null or ""
    clears `description` / `category`)."""

    version: StrictInt = Field(ge=1)
    name: StrictStr | None = None
    description: StrictStr | None = None
    unit_price: MoneyIn | None = None
    unit: StrictStr | None = None
    category: StrictStr | None = None


class FeeCreate(RequestBody):
    """`POST /api/fees`: `name` and `amount` required; `feeType` fixed (default) or
    percentage (then `amount` <= 100); `isRequired` default false; `isActive` default true."""

    name: StrictStr
    description: StrictStr | None = None
    amount: MoneyIn
    fee_type: StrictStr | None = None
    category: StrictStr | None = None
    is_active: StrictBool | None = None
    is_required: StrictBool | None = None


class FeeUpdate(RequestBody):
    """`PUT`/`PATCH /api/fees/{id}`: `version` plus the fields to change."""

    version: StrictInt = Field(ge=1)
    name: StrictStr | None = None
    description: StrictStr | None = None
    amount: MoneyIn | None = None
    fee_type: StrictStr | None = None
    category: StrictStr | None = None
    is_required: StrictBool | None = None


class VersionBody(RequestBody):
    """`POST .../deactivate` and `.../activate`: the `version` last seen."""

    version: StrictInt = Field(ge=1)


# --- what the two catalogues' routes share ---------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One catalogue as the routes see it: its service functions, its wire shapes and the
    words its item routes (`{path}/{id}[/...]`) are named and documented with."""

    out: type[ServiceOut] | type[FeeOut]
    get: Callable[[Session, Actor, uuid.UUID], SQLModel]
    create: Callable[[Session, Actor, Mapping[str, Any]], SQLModel]
    update: Callable[[Session, Actor, uuid.UUID, int, Mapping[str, Any]], SQLModel]
    activate: Callable[[Session, Actor, uuid.UUID, int], SQLModel]
    deactivate: Callable[[Session, Actor, uuid.UUID, int], SQLModel]
    noun: str
    path: str
    row_id: Any  # the `{id}` path parameter (its description names the noun)
    create_body: type[RequestBody]
    update_body: type[ServiceUpdate] | type[FeeUpdate]
    envelope: type[Envelope[Any]]
    deactivate_doc: str


SERVICES = Spec(
    ServiceOut,
    services.get_service,
    services.create_service,
    services.update_service,
    services.activate_service,
    services.deactivate_service,
    noun="service",
    path="/api/services",
    row_id=ServiceId,
    create_body=ServiceCreate,
    update_body=ServiceUpdate,
    envelope=Envelope[ServiceOut],
    deactivate_doc="Stop offering the service on new quotes (versioned; quotes keep their lines). "
    "There\nis no DELETE: this is how a service is retired.",
)
FEES = Spec(
    FeeOut,
    fees.get_fee,
    fees.create_fee,
    fees.update_fee,
    fees.activate_fee,
    fees.deactivate_fee,
    noun="fee",
    path="/api/fees",
    row_id=FeeId,
    create_body=FeeCreate,
    update_body=FeeUpdate,
    envelope=Envelope[FeeOut],
    deactivate_doc="Stop offering the fee (a required one is no longer added to new quotes); "
    "versioned,\nquotes keep their lines. There is no DELETE.",
)
Handler = Callable[..., JSONResponse]
Errors = dict[int, str]
# Sent as null, these mean "the default" on create (the service wants a real boolean).
NULL_MEANS_DEFAULT = ("is_active", "is_required")


def _dump(spec: Spec, row: SQLModel | Mapping[str, Any]) -> dict[str, Any]:
    values = row if isinstance(row, Mapping) else snapshot(row)
    return spec.out.from_row(values).dump()


def _list(
    spec: Spec,
    lister: Callable[..., Page[dict[str, Any]]],
    actor: Actor,
    engine: EngineDep,
    page: int,
    page_size: int,
    sort: str,
    **filters: Any,
) -> JSONResponse:
    """One page from `lister(session, actor, paging, sort=, descending=, **filters)`."""
    paging = PageRequest.parse(page, page_size)
    key, descending = parse_sort(sort)
    with read_session(engine) as session:
        result = lister(session, actor, paging, sort=key, descending=descending, **filters)
    return ok([_dump(spec, r) for r in result.items], pagination=result.meta())


def _get(spec: Spec, row_id: uuid.UUID, actor: Actor, engine: EngineDep) -> JSONResponse:
    with read_session(engine) as session:
        return ok(_dump(spec, spec.get(session, actor, row_id)))


def _create(spec: Spec, body: RequestBody, actor: Actor, engine: EngineDep) -> JSONResponse:
    data = body.model_dump(exclude_unset=True, by_alias=False)
    for key in NULL_MEANS_DEFAULT:
        if key in data and data[key] is None:
            del data[key]
    with transaction(engine) as session:
        created = _dump(spec, spec.create(session, actor, data))
    return ok(created, status_code=201)


def _write(spec: Spec, engine: EngineDep, write: Callable[[Session], SQLModel]) -> JSONResponse:
    """Run a versioned write; a conflict carries the saved row in the wire shape."""
    with transaction(engine) as session:
        try:
            data = _dump(spec, write(session))
        except VersionConflict as exc:
            raise VersionConflict(exc.message, _dump(spec, exc.current)) from exc
    return ok(data)


def _update(
    spec: Spec, row_id: uuid.UUID, body: ServiceUpdate | FeeUpdate, actor: Actor, engine: EngineDep
) -> JSONResponse:
    fields = service_fields(body)
    return _write(
        spec, engine, lambda session: spec.update(session, actor, row_id, body.version, fields)
    )


def _set_active(
    spec: Spec, row_id: uuid.UUID, body: VersionBody, active: bool, actor: Actor, engine: EngineDep
) -> JSONResponse:
    change = spec.activate if active else spec.deactivate
    return _write(spec, engine, lambda session: change(session, actor, row_id, body.version))


def _mount_item_routes(spec: Spec) -> None:
    """Register `POST {path}`, `GET`/`PUT`/`PATCH {path}/{id}` and `POST {path}/{id}/deactivate`
    | `activate` for one catalogue, each named `<verb>_<noun>_route` (its operation id)."""
    noun, item = spec.noun, f"{spec.path}/{{id}}"
    edit_doc = "Change the given fields (versioned). `isActive`: use deactivate / activate."

    def get_route(row_id: uuid.UUID, actor: ActorDep, engine: EngineDep) -> JSONResponse:
        return _get(spec, row_id, actor, engine)

    def create_route(body: RequestBody, actor: ActorDep, engine: EngineDep) -> JSONResponse:
        return _create(spec, body, actor, engine)

    def update_route(
        row_id: uuid.UUID, body: ServiceUpdate | FeeUpdate, actor: ActorDep, engine: EngineDep
    ) -> JSONResponse:
        return _update(spec, row_id, body, actor, engine)

    def deactivate_route(
        row_id: uuid.UUID, body: VersionBody, actor: ActorDep, engine: EngineDep
    ) -> JSONResponse:
        return _set_active(spec, row_id, body, False, actor, engine)

    def activate_route(
        row_id: uuid.UUID, body: VersionBody, actor: ActorDep, engine: EngineDep
    ) -> JSONResponse:
        return _set_active(spec, row_id, body, True, actor, engine)

    def add(method: str, path: str, verb: str, handler: Handler, doc: str, errors: Errors) -> None:
        body = {"create": spec.create_body, "put": spec.update_body, "patch": spec.update_body}
        router.add_api_route(
            path,
            _endpoint(
                handler,
                f"{verb}_{noun}_route",
                doc,
                row_id=spec.row_id,
                body=body.get(verb, VersionBody),
            ),
            methods=[method],
            tags=[spec.path.removeprefix("/api/")],
            status_code=201 if verb == "create" else None,
            response_model=spec.envelope,
            responses=error_responses(errors),
        )

    add("GET", item, "get", get_route, f"One {noun}.", READ_ERRORS)
    add(
        "POST",
        spec.path,
        "create",
        create_route,
        f"Create a {noun}; answers 201 with it.",
        WRITE_ERRORS,
    )
    add("PUT", item, "put", update_route, edit_doc, UPDATE_ERRORS)
    add("PATCH", item, "patch", update_route, edit_doc, UPDATE_ERRORS)
    add(
        "POST",
        f"{item}/deactivate",
        "deactivate",
        deactivate_route,
        spec.deactivate_doc,
        ACTIVE_ERRORS,
    )
    add(
        "POST",
        f"{item}/activate",
        "activate",
        activate_route,
        f"Offer a deactivated {noun} again (versioned).",
        ACTIVE_ERRORS,
    )


def _endpoint(handler: Handler, name: str, doc: str, **types: Any) -> Handler:
    """`handler` under its public name and doc, with `types` (the catalogue's own `{id}`
    parameter and body model) in place of its generic annotations: FastAPI builds the
    parameters, the operation id, summary and description from exactly these."""

    def endpoint(**values: Any) -> JSONResponse:
        return handler(**values)

    signature = inspect.signature(handler)
    parameters = [
        p.replace(annotation=types.get(p.name, p.annotation)) for p in signature.parameters.values()
    ]
    endpoint.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    endpoint.__name__ = endpoint.__qualname__ = name
    endpoint.__doc__ = doc
    return endpoint


# --- /api/services ---------------------------------------------------------------------------


@router.get(
    "/api/services",
    tags=["services"],
    response_model=ListEnvelope[ServiceOut],
    responses=error_responses(LIST_ERRORS),
)
def list_services_route(
    actor: ActorDep,
    engine: EngineDep,
    page: PageQ = 1,
    page_size: PageSizeQ = 20,
    sort: Annotated[
        str, Query(description=f"One of {', '.join(services.SORTS)}; a leading `-` descends")
    ] = "name",
    search: SearchQ = None,
    status: StatusQ = "all",
    category: CategoryQ = None,
) -> JSONResponse:
    """One page of services."""
    return _list(
        SERVICES,
        services.list_services,
        actor,
        engine,
        page,
        page_size,
        sort,
        search=search,
        status=status,
        category=category,
    )


_mount_item_routes(SERVICES)


# --- /api/fees -------------------------------------------------------------------------------


@router.get(
    "/api/fees",
    tags=["fees"],
    response_model=ListEnvelope[FeeOut],
    responses=error_responses(LIST_ERRORS),
)
def list_fees_route(
    actor: ActorDep,
    engine: EngineDep,
    page: PageQ = 1,
    page_size: PageSizeQ = 20,
    sort: Annotated[
        str, Query(description=f"One of {', '.join(fees.SORTS)}; a leading `-` descends")
    ] = "name",
    search: SearchQ = None,
    status: StatusQ = "all",
    category: CategoryQ = None,
    required: Annotated[
        bool | None, Query(description="true: required fees only; false: optional ones")
    ] = None,
) -> JSONResponse:
    """One page of fees."""
    return _list(
        FEES,
        fees.list_fees,
        actor,
        engine,
        page,
        page_size,
        sort,
        search=search,
        status=status,
        category=category,
        required=required,
    )


_mount_item_routes(FEES)
