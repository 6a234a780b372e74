"""Categories and subcategories (`/api/categories[/{id}]`, `/api/subcategories[/{id}]`).

Rules live in `avrentals.domain.services.categories`; this module maps HTTP to the service
(DESIGN §8): 201 on create, 204 on delete, 409 IN_USE while equipment uses the row, 409
VERSION_CONFLICT with the saved row in `details.current`, 422 with field messages.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import JSONResponse

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import Envelope, ListEnvelope, error_responses, ok
from avrentals.api.schemas import (
    CategoryCreate,
    CategoryOut,
    CategoryUpdate,
    SubcategoryCreate,
    SubcategoryOut,
    SubcategoryUpdate,
    service_fields,
)
from avrentals.db import read_session, transaction
from avrentals.domain.errors import VersionConflict
from avrentals.domain.pagination import MAX_PAGE_SIZE, PageRequest
from avrentals.domain.services import categories as service

router = APIRouter(tags=["categories"])

CategoryId = Annotated[uuid.UUID, Path(alias="id", description="Category id")]
SubcategoryId = Annotated[uuid.UUID, Path(alias="id", description="Subcategory id")]
PageQ = Annotated[int, Query(description="1-based page number")]
PageSizeQ = Annotated[
    int, Query(alias="pageSize", description=f"Rows per page, 1 to {MAX_PAGE_SIZE}")
]
SortQ = Annotated[str, Query(description="Allow-listed key; a leading `-` sorts descending")]
READ_ERRORS = {401: "Not signed in", 404: "Unknown id"}
WRITE_ERRORS = {401: "Not signed in", 403: "Role may not do this", 422: "Field errors"}
UPDATE_ERRORS = {**READ_ERRORS, **WRITE_ERRORS, 409: "Stale version (details.current)"}
DELETE_ERRORS = {**READ_ERRORS, 403: "Role may not delete", 409: "IN_USE or stale version"}
VersionQ = Annotated[int | None, Query(ge=1, description="Optional: refuse if changed since")]


def parse_sort(sort: str) -> tuple[str, bool]:
    return (sort[1:], True) if sort.startswith("-") else (sort, False)


# --- Categories ---


@router.get(
    "/api/categories",
    response_model=ListEnvelope[CategoryOut],
    responses=error_responses({401: "Not signed in", 422: "Bad paging or sort"}),
)
def list_categories_route(
    actor: ActorDep,
    engine: EngineDep,
    page: PageQ = 1,
    page_size: PageSizeQ = 100,
    sort: Annotated[
        str, Query(description=f"One of {', '.join(service.CATEGORY_SORTS)}; `-` descends")
    ] = "position",
    search: Annotated[str | None, Query(description="Name contains", max_length=100)] = None,
) -> JSONResponse:
    """Categories with `itemCount` and their subcategories (each with `itemCount`)."""
    paging = PageRequest.parse(page, page_size)
    key, descending = parse_sort(sort)
    with read_session(engine) as session:
        result = service.list_categories_page(
            session, actor, paging, search=search, sort=key, descending=descending
        )
    return ok([CategoryOut.from_row(r).dump() for r in result.items], pagination=result.meta())


@router.get(
    "/api/categories/{id}",
    response_model=Envelope[CategoryOut],
    responses=error_responses(READ_ERRORS),
)
def get_category_route(category_id: CategoryId, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    with read_session(engine) as session:
        row = service.get_category(session, actor, category_id)
    return ok(CategoryOut.from_row(row).dump())


@router.post(
    "/api/categories",
    status_code=201,
    response_model=Envelope[CategoryOut],
    responses=error_responses(WRITE_ERRORS),
)
def create_category_route(body: CategoryCreate, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """Create a category (`icon` from the fixed list; a duplicate name is a 422 on `name`)."""
    data = {
        k: v
        for k, v in body.model_dump(exclude_unset=True, by_alias=False).items()
        if v is not None
    }
    with transaction(engine) as session:
        category = service.create_category(session, actor, data)
        row = service.get_category(session, actor, category.id)
    return ok(CategoryOut.from_row(row).dump(), status_code=201)


def _update_category(
    category_id: uuid.UUID, body: CategoryUpdate, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    with transaction(engine) as session:
        try:
            service.update_category(session, actor, category_id, body.version, service_fields(body))
        except VersionConflict as exc:
            session.rollback()
            current = CategoryOut.from_row(service.get_category(session, actor, category_id))
            raise VersionConflict(exc.message, current.dump()) from exc
        row = service.get_category(session, actor, category_id)
    return ok(CategoryOut.from_row(row).dump())


@router.put(
    "/api/categories/{id}",
    response_model=Envelope[CategoryOut],
    responses=error_responses(UPDATE_ERRORS),
)
def put_category_route(
    category_id: CategoryId, body: CategoryUpdate, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Rename / change the icon or position (versioned)."""
    return _update_category(category_id, body, actor, engine)


@router.patch(
    "/api/categories/{id}",
    response_model=Envelope[CategoryOut],
    responses=error_responses(UPDATE_ERRORS),
)
def patch_category_route(
    category_id: CategoryId, body: CategoryUpdate, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Rename / change the icon or position (versioned)."""
    return _update_category(category_id, body, actor, engine)


@router.delete(
    "/api/categories/{id}",
    status_code=204,
    response_class=Response,
    responses=error_responses(DELETE_ERRORS),
)
def delete_category_route(
    category_id: CategoryId, actor: ActorDep, engine: EngineDep, version: VersionQ = None
) -> Response:
    """Delete an unused category (and its subcategories); 409 IN_USE while equipment uses it."""
    with transaction(engine) as session:
        try:
            service.delete_category(session, actor, category_id, version=version)
        except VersionConflict as exc:
            session.rollback()
            current = CategoryOut.from_row(service.get_category(session, actor, category_id))
            raise VersionConflict(exc.message, current.dump()) from exc
    return Response(status_code=204)


# --- Subcategories ---


@router.get(
    "/api/subcategories",
    response_model=ListEnvelope[SubcategoryOut],
    responses=error_responses({401: "Not signed in", 422: "Bad paging, sort or filter"}),
)
def list_subcategories_route(
    actor: ActorDep,
    engine: EngineDep,
    page: PageQ = 1,
    page_size: PageSizeQ = 100,
    sort: Annotated[
        str, Query(description=f"One of {', '.join(service.SUBCATEGORY_SORTS)}; `-` descends")
    ] = "name",
    search: Annotated[str | None, Query(description="Name contains", max_length=100)] = None,
    category_id: Annotated[uuid.UUID | None, Query(alias="categoryId")] = None,
) -> JSONResponse:
    """Subcategories (of one category with `categoryId`), each with `itemCount`."""
    paging = PageRequest.parse(page, page_size)
    key, descending = parse_sort(sort)
    with read_session(engine) as session:
        result = service.list_subcategories_page(
            session,
            actor,
            paging,
            category_id=category_id,
            search=search,
            sort=key,
            descending=descending,
        )
    return ok([SubcategoryOut.from_row(r).dump() for r in result.items], pagination=result.meta())


@router.get(
    "/api/subcategories/{id}",
    response_model=Envelope[SubcategoryOut],
    responses=error_responses(READ_ERRORS),
)
def get_subcategory_route(
    sub_id: SubcategoryId, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    with read_session(engine) as session:
        row = service.get_subcategory(session, actor, sub_id)
    return ok(SubcategoryOut.from_row(row).dump())


@router.post(
    "/api/subcategories",
    status_code=201,
    response_model=Envelope[SubcategoryOut],
    responses=error_responses(WRITE_ERRORS),
)
def create_subcategory_route(
    body: SubcategoryCreate, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Create a subcategory (name unique within its category: 422 on `name` otherwise)."""
    data: dict[str, Any] = body.model_dump(exclude_unset=True, by_alias=False)
    with transaction(engine) as session:
        sub = service.create_subcategory(session, actor, data)
        row = service.get_subcategory(session, actor, sub.id)
    return ok(SubcategoryOut.from_row(row).dump(), status_code=201)


def _update_subcategory(
    sub_id: uuid.UUID, body: SubcategoryUpdate, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    with transaction(engine) as session:
        try:
            service.update_subcategory(session, actor, sub_id, body.version, service_fields(body))
        except VersionConflict as exc:
            session.rollback()
            current = SubcategoryOut.from_row(service.get_subcategory(session, actor, sub_id))
            raise VersionConflict(exc.message, current.dump()) from exc
        row = service.get_subcategory(session, actor, sub_id)
    return ok(SubcategoryOut.from_row(row).dump())


@router.put(
    "/api/subcategories/{id}",
    response_model=Envelope[SubcategoryOut],
    responses=error_responses(UPDATE_ERRORS),
)
def put_subcategory_route(
    sub_id: SubcategoryId, body: SubcategoryUpdate, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Rename a subcategory (versioned)."""
    return _update_subcategory(sub_id, body, actor, engine)


@router.patch(
    "/api/subcategories/{id}",
    response_model=Envelope[SubcategoryOut],
    responses=error_responses(UPDATE_ERRORS),
)
def patch_subcategory_route(
    sub_id: SubcategoryId, body: SubcategoryUpdate, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Rename a subcategory (versioned)."""
    return _update_subcategory(sub_id, body, actor, engine)


@router.delete(
    "/api/subcategories/{id}",
    status_code=204,
    response_class=Response,
    responses=error_responses(DELETE_ERRORS),
)
def delete_subcategory_route(
    sub_id: SubcategoryId, actor: ActorDep, engine: EngineDep, version: VersionQ = None
) -> Response:
    """Delete an unused subcategory; 409 IN_USE while equipment uses it."""
    with transaction(engine) as session:
        try:
            service.delete_subcategory(session, actor, sub_id, version=version)
        except VersionConflict as exc:
            session.rollback()
            current = SubcategoryOut.from_row(service.get_subcategory(session, actor, sub_id))
            raise VersionConflict(exc.message, current.dump()) from exc
    return Response(status_code=204)
