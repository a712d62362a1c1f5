"""The collections: ``/calls``, ``/projects``, ``/local-governments``, ``/organisations``, ``/building-blocks``
and ``/themes``, filtered, searched, sorted and paged (``gzg_graph.publishing.collections``).

Each answers JSON-LD (a Hydra Core collection compacted with our context and the Hydra terms), CSV (RFC 4180)
or HTML (a page with a filter form, a table and a pager), by ``Accept`` or ``?format=``. An unknown parameter,
an unknown format or a bad value is a 400 naming it; ``Accept`` matching none of the formats a 406.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from gzg_graph.publishing import collection_formats as formats
from gzg_graph.publishing import collection_jsonld, jsonld
from gzg_graph.publishing.collection_specs import collections
from gzg_graph.publishing.collections import (
    CONTROLS,
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Collection,
    Option,
    Page,
    options,
    run,
    select,
)
from gzg_graph.queries import DEFAULT_BASE
from gzg_graph.store import Store
from gzg_graph.uris import UriPolicy

from .. import pages
from ..deps import get_store, get_uris
from ..negotiation import choose
from ..responses import errors, success

router = APIRouter(tags=["Collections"])

JSONLD, JSON, HTML, CSV = "application/ld+json", "application/json", "text/html", "text/csv"
#: ?format= names and the media types they stand for; Accept picks among them in this order.
FORMATS = {"jsonld": JSONLD, "json": JSON, "html": HTML, "csv": CSV}
CONTENT_TYPES = {JSONLD: f"{JSONLD}; charset=utf-8", JSON: f"{JSON}; charset=utf-8", CSV: f"{CSV}; charset=utf-8"}
SUMMARIES = {
    "calls": "The calls (oproepen) of the programme",
    "projects": "The projects, by call, theme, building block, local government, province or year",
    "local-governments": "The local governments (LBLOD), by province, kind and participation",
    "organisations": "The partner organisations other than local governments",
    "building-blocks": "The building blocks (services, registers, standards) projects reuse",
    "themes": "The themes of the calls",
}
_CONTROL_DOCS = {
    "q": "Free text: names, titles and descriptions containing it (accents and case ignored).",
    "sort": "Sort key ({keys}); prefix '-' for descending.",
    "page": "The page, from 1.",
    "pageSize": f"Members per page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE}).",
    "format": "jsonld, json, csv or html; overrides Accept.",
    "lang": "nl or en: the language of the HTML page and of the CSV's names.",
}


def _parameters(collection: Collection) -> list[dict[str, Any]]:
    """The OpenAPI description of a collection's query parameters (the route reads them itself, to refuse
    unknown ones)."""
    docs = {f.name: f.description for f in collection.filters}
    docs |= {k: v.format(keys=", ".join(s.name for s in collection.sort_keys)) for k, v in _CONTROL_DOCS.items()}
    integer = {"type": "integer", "minimum": 1}
    schemas = {"page": integer, "pageSize": {**integer, "maximum": MAX_PAGE_SIZE}}
    return [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": text,
            "schema": schemas.get(name, {"type": "string"}),
        }
        for name, text in docs.items()
    ]


def _negotiate(request: Request) -> str:
    asked = request.query_params.get("format")
    if asked is not None:
        media_type = FORMATS.get(asked.strip().lower())
        if media_type is None:
            raise HTTPException(400, f"format: unknown format {asked!r}; use one of {', '.join(FORMATS)}")
        return media_type
    media_type = choose(request.headers.get("accept"), list(FORMATS.values()))
    if media_type is None:
        raise HTTPException(406, f"offered: {', '.join(FORMATS.values())}")
    return media_type


#: Hydra's name for a link where RFC 8288's registered relation is another (IANA: "prev").
RFC8288_RELATIONS = {"previous": "prev"}


def _lookup(store: Store, uris: UriPolicy) -> Callable[[str], list[Option]]:
    """The options of each filter, read at most once per request."""
    return cache(lambda name: options(store, uris, name))


def _link_header(page: Page, uris: UriPolicy) -> str:
    """RFC 8288 links to the first, previous, next and last page, as the JSON-LD's view has them."""
    return ", ".join(
        f'<{collection_jsonld.collection_url(uris, page, page=n)}>; rel="{RFC8288_RELATIONS.get(rel, rel)}"'
        for rel, n in collection_jsonld.page_links(page).items()
    )


def _endpoint(name: str) -> Callable[..., Response]:
    def endpoint(request: Request, store: Store = Depends(get_store), uris: UriPolicy = Depends(get_uris)) -> Response:
        media_type = _negotiate(request)
        collection = collections(uris.base)[name]
        lookup = _lookup(store, uris)
        selection = select(collection, request.query_params.multi_items(), lookup)
        page = run(store, uris, selection)
        # the CSV's names and the page's words follow the language, as the HTML page does
        headers = {"Vary": "Accept, Accept-Language", "Link": _link_header(page, uris)}
        if media_type == HTML:
            return _html(request, page, uris, lookup, headers)
        if media_type == CSV:
            body = formats.to_csv(page, uris, pages.language(request))
        else:
            body = jsonld.serialise(collection_jsonld.to_jsonld(page, uris))
        return Response(body, media_type=CONTENT_TYPES[media_type], headers=headers)

    endpoint.__name__ = f"collection_{name.replace('-', '_')}"
    return endpoint


def _html(
    request: Request, page: Page, uris: UriPolicy, lookup: Callable[[str], list[Option]], headers: dict[str, str]
) -> Response:
    lang = pages.language(request)
    collection = page.selection.collection
    filters = []
    for f in collection.filters:
        value = page.selection.values.get(f.name, "")
        choices = [(o.value, o.label(lang)) for o in lookup(f.options)] if f.options else []
        chosen = str(f.choose(value, lookup).bindings.get(f.variable, value)) if value and choices else value
        filters.append({"name": f.name, "kind": f.kind, "value": chosen, "choices": choices})
    current = page.selection.page
    pager = {
        "first": pages.url_with(request, page="1") if current > 1 else None,
        "previous": pages.url_with(request, page=str(min(current - 1, page.last_page))) if current > 1 else None,
        "next": pages.url_with(request, page=str(current + 1)) if current < page.last_page else None,
        "last": pages.url_with(request, page=str(page.last_page)) if current < page.last_page else None,
    }
    downloads = [
        {"label": label, "media_type": FORMATS[fmt], "href": pages.url_with(request, format=fmt)}
        for fmt, label in (("jsonld", "JSON-LD"), ("csv", "CSV"))
    ]
    return pages.render(
        request,
        "collection.html",
        headers=headers,
        name=collection.name,
        key=collection.name.replace("-", "_"),
        page=page,
        rows=formats.rows(page, uris, lang),
        fields=[f.key for f in collection.fields],
        filters=filters,
        sort_keys=[k.name for k in collection.sort_keys],
        selection=page.selection,
        controls=CONTROLS,
        page_sizes=(DEFAULT_PAGE_SIZE, 50, MAX_PAGE_SIZE),
        pager=pager,
        downloads=downloads,
    )


for _name, _collection in collections(DEFAULT_BASE).items():
    router.add_api_route(
        f"/{_name}",
        _endpoint(_name),
        methods=["GET", "HEAD"],
        summary=SUMMARIES[_name],
        description=f"Members of /{_name} as a Hydra collection (JSON-LD), CSV or an HTML page; "
        "filters take URIs or the codes and names described per parameter.",
        responses={**success("One page of the collection", list(FORMATS.values())), **errors(400, 406, 503)},
        openapi_extra={"parameters": _parameters(_collection)},
    )
