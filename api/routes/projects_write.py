"""``PUT``/``DELETE /projects/{id}`` and ``POST /projects``: data stewards create, replace and delete projects.

A body is one project with its consortium, in Turtle or JSON-LD (with the context of
``/ns/context.jsonld``, by URL or inline; no context is fetched). It is read back into the rows of
``projects.csv`` and ``participations.csv``, mapped as the build maps them, validated as a change to the
graph and committed to the stewards' graph, attributed to the token's steward
(:mod:`gzg_graph.stewarding`). Projects of ``data/`` are changed there (409).
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response
from fastapi.responses import JSONResponse
from rdflib import Graph, URIRef

from gzg_graph.config import Settings
from gzg_graph.formats import RdfFormat
from gzg_graph.sources.values import parse_slug
from gzg_graph.stewarding import (
    Prepared,
    ProjectInOwnData,
    References,
    Steward,
    delete_project,
    described_projects,
    parse_document,
    prepare,
    write,
)
from gzg_graph.store import Store
from gzg_graph.uris import UriPolicy

from ..bodies import read_limited
from ..deps import get_settings, get_shapes, get_store, get_uris
from ..limits import Slots
from ..responses import ErrorBody, errors
from ..steward_auth import require_steward
from .steward_examples import EXAMPLES

router = APIRouter(tags=["Stewards"])

BODIES = {
    "text/turtle": RdfFormat.TURTLE,
    "application/ld+json": RdfFormat.JSONLD,
    "application/json": RdfFormat.JSONLD,
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorBody, "description": "The project comes from data/projects.csv: change it there."}
}
REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/turtle": {"schema": {"type": "string"}, "example": EXAMPLES["turtle"]},
            "application/ld+json": {"schema": {"type": "object"}, "example": EXAMPLES["jsonld"]},
        },
    }
}
CREATED: dict[str, Any] = {
    "description": "The project was created (Location: its URI); the body says what was stored.",
    "headers": {"Location": {"description": "The project's URI", "schema": {"type": "string"}}},
    "content": {"application/json": {"example": EXAMPLES["created"]}},
}
ProjectId = Annotated[str, Path(description="The project's id: lower-case letters and digits joined by '-'.")]


def references(settings: Settings, uris: UriPolicy) -> References:
    """What projects refer to, from data/ (the build's own references); 503 when this server has no data/."""
    if settings.data_dir is None or not settings.data_dir.is_dir():
        raise HTTPException(
            503, "stewards' writes need the data directory (GZG_DATA_DIR): projects are mapped as the build maps them"
        )
    return References.of(settings.data_dir, uris)


async def document(request: Request, settings: Settings, uris: UriPolicy) -> Graph:
    """The request's RDF (415 for another Content-Type, 413 over the limit, 400 with line and column)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in BODIES:
        raise HTTPException(415, f"send the project as one of: {', '.join(BODIES)}")
    body = await read_limited(request, settings.max_request_bytes)
    return parse_document(body, BODIES[media_type], uris)


def summary(prepared: list[Prepared], added: Graph) -> dict[str, Any]:
    return {
        "projects": [str(p.project) for p in prepared],
        "created": [p.created for p in prepared],
        "added": len(added),
    }


class _Exists(Exception):
    """POST of a project that exists: refused before anything is written."""


async def run_write(
    request: Request,
    store: Store,
    uris: UriPolicy,
    refs: References,
    steward: Steward,
    graph: Graph,
    project: URIRef,
    *,
    create_only: bool = False,
) -> tuple[list[Prepared], Graph]:
    """Prepare and commit one project in a validation slot (ValidationFailed: 422; SourceError: 400)."""
    slots: Slots = request.app.state.validation_slots

    def make(current: Graph) -> list[Prepared]:
        prepared = prepare(store, uris, refs, graph, project, current)
        if create_only and not prepared.created:
            raise _Exists()
        return [prepared]

    try:
        return await slots.run(functools.partial(write, store, get_shapes(request), uris, steward, make))
    except ProjectInOwnData as e:
        raise HTTPException(409, str(e)) from None
    except _Exists:
        raise HTTPException(409, f"<{project}> exists already: PUT /projects/{{id}} replaces a project") from None


def _project(uris: UriPolicy, project_id: str) -> URIRef:
    try:
        return uris.id("project", parse_slug(project_id))
    except ValueError as e:
        raise HTTPException(400, f"project id {e}") from None


@router.put(
    "/projects/{project_id}",
    summary="Create or replace a steward's project with its consortium (steward token needed)",
    status_code=204,
    responses={
        201: CREATED,
        204: {"description": "The project was replaced."},
        **errors(400, 401, 403, 413, 415, 422, 503),
        **CONFLICT,
    },
    openapi_extra=REQUEST_BODY,
)
async def put_project(
    request: Request,
    project_id: ProjectId,
    steward: Steward = Depends(require_steward),
    store: Store = Depends(get_store),
    settings: Settings = Depends(get_settings),
    uris: UriPolicy = Depends(get_uris),
) -> Response:
    project = _project(uris, project_id)
    refs = references(settings, uris)
    graph = await document(request, settings, uris)
    prepared, added = await run_write(request, store, uris, refs, steward, graph, project)
    if not prepared[0].created:
        return Response(status_code=204)
    return JSONResponse(summary(prepared, added), status_code=201, headers={"Location": str(project)})


@router.post(
    "/projects",
    summary="Create a steward's project, named by the document (steward token needed)",
    status_code=201,
    responses={201: CREATED, **errors(400, 401, 403, 413, 415, 422, 503), **CONFLICT},
    openapi_extra=REQUEST_BODY,
)
async def post_project(
    request: Request,
    steward: Steward = Depends(require_steward),
    store: Store = Depends(get_store),
    settings: Settings = Depends(get_settings),
    uris: UriPolicy = Depends(get_uris),
) -> Response:
    refs = references(settings, uris)
    graph = await document(request, settings, uris)
    projects = described_projects(graph, uris)
    if len(projects) != 1:
        named = ", ".join(f"<{p}>" for p in projects) or "none"
        raise HTTPException(
            400, f"the document must describe one project {uris.id('project', '{id}')}; it describes {named}"
        )
    prepared, added = await run_write(request, store, uris, refs, steward, graph, projects[0], create_only=True)
    return JSONResponse(summary(prepared, added), status_code=201, headers={"Location": str(projects[0])})


@router.delete(
    "/projects/{project_id}",
    summary="Delete a steward's project with its consortium (steward token needed)",
    status_code=204,
    responses={204: {"description": "The project was deleted."}, **errors(400, 401, 403, 404, 422, 503), **CONFLICT},
    dependencies=[Depends(require_steward)],
)
async def delete(
    request: Request,
    project_id: ProjectId,
    store: Store = Depends(get_store),
    settings: Settings = Depends(get_settings),
    uris: UriPolicy = Depends(get_uris),
) -> Response:
    project = _project(uris, project_id)
    refs = references(settings, uris)
    slots: Slots = request.app.state.validation_slots
    try:
        found = await slots.run(delete_project, store, get_shapes(request), uris, refs, project)
    except ProjectInOwnData as e:
        raise HTTPException(409, str(e)) from None
    if not found:
        raise HTTPException(404, f"no steward's project <{project}>")
    return Response(status_code=204)
