"""``/steward``: the page for data stewards who do not write code.

They upload a Turtle, JSON-LD or CSV file (the formats of ``data/projects.csv`` and
``data/participations.csv``, both at once if they like) and read the SHACL report in Dutch or English,
each result linked to its focus node's page; a file that does not parse is shown with its line and
column. With their token they commit a file that conforms: the same validated path as ``PUT /projects``
(:mod:`gzg_graph.stewarding`), after which the page shows what was added. No script runs on the page.
"""

from __future__ import annotations

import email.parser
import email.policy
import functools
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from rdflib import Graph

from gzg_graph.config import Settings
from gzg_graph.errors import SourceError
from gzg_graph.namespaces import bind_prefixes
from gzg_graph.stewarding import ProjectInOwnData, Steward, check, write
from gzg_graph.stewarding.stewards import DEFAULT_STEWARD
from gzg_graph.stewarding.uploads import Upload, prepare_uploads
from gzg_graph.stewarding.writing import steward_graph
from gzg_graph.store import Store
from gzg_graph.uris import UriPolicy
from gzg_graph.validation import ValidationFailed, ValidationReport

from ..bodies import read_limited
from ..deps import get_settings, get_shapes, get_store, get_uris
from ..limits import Slots
from ..pages import language, render
from ..steward_auth import steward_for
from .projects_write import references

router = APIRouter(tags=["Stewards"])

FORM = "multipart/form-data"
HTML: dict[str, Any] = {"content": {"text/html": {}}}
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            FORM: {
                "schema": {
                    "type": "object",
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        "token": {"type": "string", "description": "A steward's token; needed to commit."},
                        "action": {"type": "string", "enum": ["validate", "commit"]},
                    },
                    "required": ["files"],
                }
            }
        },
    }
}
PAGE_ANSWERS: dict[int | str, dict[str, Any]] = {
    code: {**HTML, "description": text}
    for code, text in {
        200: "The page, with the report (the files conform) or what was committed.",
        400: "A file does not parse (the page shows where) or cannot be stored as a project.",
        401: "Commit without a token.",
        403: "The token does not allow writing.",
        409: "A project of data/projects.csv: change it there.",
        413: "The upload is larger than GZG_MAX_REQUEST_BYTES.",
        415: "Not a multipart/form-data upload.",
        422: "The files violate the shapes; the page shows the report.",
    }.items()
}


@router.api_route(
    "/steward",
    methods=["GET", "HEAD"],
    summary="The stewards' page: upload a project file, read its report, commit it",
    response_class=HTMLResponse,
    responses={200: HTML},
)
def page(request: Request) -> HTMLResponse:
    return render(request, "steward.html", outcome=None, status=200)


@router.post(
    "/steward",
    summary="Validate (and with a token, commit) uploaded Turtle, JSON-LD or CSV files; answers the page",
    response_class=HTMLResponse,
    responses=PAGE_ANSWERS,
    openapi_extra=UPLOAD_BODY,
)
async def upload(
    request: Request,
    store: Store = Depends(get_store),
    settings: Settings = Depends(get_settings),
    uris: UriPolicy = Depends(get_uris),
) -> HTMLResponse:
    try:
        fields, uploads = await _form(request, settings)
        commit = fields.get("action") == "commit"
        steward = steward_for(fields.get("token"), settings) if commit else Steward(DEFAULT_STEWARD, "")
        refs = references(settings, uris)
        slots: Slots = request.app.state.validation_slots
        shapes = get_shapes(request)
        if commit:
            prepared, added = await slots.run(
                functools.partial(
                    write, store, shapes, uris, steward, lambda g: prepare_uploads(store, uris, refs, uploads, g)
                )
            )
            outcome = _committed(prepared, added, uris)
        else:
            prepared = await slots.run(lambda: prepare_uploads(store, uris, refs, uploads, steward_graph(store, uris)))
            report = await slots.run(check, store, shapes, prepared, steward, uris)
            outcome = _checked(report, prepared, uris, language(request))
    except HTTPException as e:
        outcome = {"kind": "refused", "message": e.detail, "status": e.status_code}
    except SourceError as e:
        outcome = {
            "kind": "unreadable",
            "file": e.file,
            "line": e.line,
            "column": e.column,
            "message": e.detail,
            "status": 400,
        }
    except ProjectInOwnData as e:
        outcome = {"kind": "refused", "message": str(e), "status": 409}
    except ValidationFailed as e:
        outcome = _checked(e.report, [], uris, language(request))
    return render(request, "steward.html", status_code=outcome["status"], outcome=outcome, status=outcome["status"])


async def _form(request: Request, settings: Settings) -> tuple[dict[str, str], list[Upload]]:
    """The form's fields and files (RFC 7578), read within the size limit."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != FORM:
        raise HTTPException(415, f"send the form as {FORM}")
    body = await read_limited(request, settings.max_request_bytes)
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode("latin-1") + body
    )
    if not message.is_multipart():
        raise HTTPException(400, "a multipart/form-data body without parts (is the boundary right?)")
    fields: dict[str, str] = {}
    uploads: list[Upload] = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        name, filename = part.get_param("name", header="content-disposition"), part.get_filename()
        if filename is not None and data:
            uploads.append(Upload(filename, data))
        elif isinstance(name, str) and filename is None:
            fields[name] = data.decode("utf-8", errors="replace")
    return fields, uploads


def link(uri: str, uris: UriPolicy) -> str:
    """A node's page: ``/doc/...`` for our own URIs, ``/resource?uri=`` for others."""
    doc = uris.doc_for(uri)
    if doc is not None:
        return doc[len(uris.base) :]
    return f"/resource?uri={quote(uri, safe='')}" if uri.startswith(("http://", "https://")) else ""


def _projects(prepared: list[Any], uris: UriPolicy) -> list[dict[str, Any]]:
    return [{"uri": str(p.project), "href": link(str(p.project), uris), "created": p.created} for p in prepared]


def _checked(report: ValidationReport, prepared: list[Any], uris: UriPolicy, lang: str) -> dict[str, Any]:
    results = [
        {
            "severity": r.severity,
            "focus": r.focus_node,
            "href": link(r.focus_node, uris),
            "path": r.result_path,
            "value": r.value,
            "message": r.message(lang),
        }
        for r in report.results
    ]
    return {
        "kind": "report",
        "conforms": report.conforms,
        "summary": report.summary(lang),
        "results": results,
        "projects": _projects(prepared, uris),
        "status": 200 if report.conforms else 422,
    }


def _committed(prepared: list[Any], added: Graph, uris: UriPolicy) -> dict[str, Any]:
    shown = bind_prefixes(Graph(), str(uris.ns))
    shown += added
    turtle = shown.serialize(format="turtle")
    return {
        "kind": "committed",
        "projects": _projects(prepared, uris),
        "added": len(added),
        "turtle": turtle,
        "status": 200,
    }
