"""A collection page as JSON-LD (a Hydra Core collection), CSV and the rows of an HTML table.

The JSON-LD is built expanded and compacted with ``[our context by URL, the Hydra terms]``: the members'
keys are the published context's terms (``titel``, ``voorkeursnaam``, ...), the collection's are Hydra's
(``totalItems``, ``member``, ``view``, ``search``). Each member is its triples over the collection's fields,
with the things it links to embedded by their names: expanded, the members are exactly the page's graph.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from pyld import jsonld as pyld  # type: ignore[import-untyped]
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..uris import UriPolicy
from . import jsonld
from .collections import CONTROLS, LABELS, SEARCH, Collection, Page, pick

HYDRA = "http://www.w3.org/ns/hydra/core#"
#: What hydra:mapping says the paging and sorting variables are (sort has no Hydra property).
_CONTROL_PROPERTIES = {"q": str(SEARCH.property), "page": HYDRA + "pageIndex", "pageSize": HYDRA + "limit"}
_LINK = {"@type": "@id"}
HYDRA_TERMS: dict[str, Any] = {
    "hydra": HYDRA,
    "Collection": "hydra:Collection",
    "PartialCollectionView": "hydra:PartialCollectionView",
    "IriTemplate": "hydra:IriTemplate",
    "IriTemplateMapping": "hydra:IriTemplateMapping",
    "totalItems": "hydra:totalItems",
    "member": {"@id": "hydra:member", "@container": "@set"},
    "view": "hydra:view",
    "first": {"@id": "hydra:first", **_LINK},
    "previous": {"@id": "hydra:previous", **_LINK},
    "next": {"@id": "hydra:next", **_LINK},
    "last": {"@id": "hydra:last", **_LINK},
    "search": "hydra:search",
    "template": "hydra:template",
    "variableRepresentation": {"@id": "hydra:variableRepresentation", "@type": "@vocab"},
    "BasicRepresentation": "hydra:BasicRepresentation",
    "mapping": {"@id": "hydra:mapping", "@container": "@set"},
    "variable": "hydra:variable",
    "property": {"@id": "hydra:property", **_LINK},
    "required": "hydra:required",
}
_KEY_ORDER = ("@context", "@id", "@type", "totalItems", "view", "search")
_CANONICAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")


def collection_url(uris: UriPolicy, shown: Page, **changes: Any) -> str:
    """The URL of the selection (``page=None`` for the whole collection, ``page=n`` for one of its views)."""
    params = shown.selection.query_params(**changes)
    return f"{uris.base}/{shown.selection.collection.name}" + (f"?{urlencode(params)}" if params else "")


def context(uris: UriPolicy) -> list[Any]:
    return [jsonld.context_url(uris), HYDRA_TERMS]


def to_jsonld(page: Page, uris: UriPolicy) -> dict[str, Any]:
    """The page as a compacted Hydra collection (see the module's docstring)."""
    collection = page.selection.collection
    nodes = pyld.from_rdf(page.graph.serialize(format="nt"), {"format": "application/n-quads"})
    by_id = {node["@id"]: _native(node) for node in nodes}
    members = [_embedded(by_id[m], by_id) for m in page.members if m in by_id]
    document = {
        "@id": collection_url(uris, page, page=None, pageSize=None),
        "@type": [HYDRA + "Collection"],
        HYDRA + "totalItems": [{"@value": page.total}],
        HYDRA + "member": members,
        HYDRA + "view": [_view(page, uris)],
        HYDRA + "search": [_search(collection, uris)],
    }
    options = {"documentLoader": jsonld.document_loader(uris), "base": ""}
    compacted: dict[str, Any] = pyld.compact(document, context(uris), options)
    compacted.setdefault("member", [])  # an empty page says so
    # the collection's own keys first, its members last (pyld sorts keys; their order means nothing in JSON-LD)
    first = [key for key in _KEY_ORDER if key in compacted]
    return {key: compacted[key] for key in first + [k for k in compacted if k not in first]}


def _native(node: dict[str, Any]) -> dict[str, Any]:
    """Canonical xsd:integer values as JSON numbers (they expand back to the same literal)."""
    for key, values in node.items():
        for value in values if not key.startswith("@") else []:
            if value.get("@type") == str(XSD.integer) and _CANONICAL_INTEGER.fullmatch(value["@value"]):
                del value["@type"]
                value["@value"] = int(value["@value"])
    return node


def _embedded(node: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A member with the nodes it links to (their names) in place of their references."""
    member = copy.deepcopy(node)
    for key, values in member.items():
        if key.startswith("@"):
            continue
        for index, value in enumerate(values):
            target = value.get("@id") if set(value) == {"@id"} else None
            if target in by_id and target != node["@id"]:
                values[index] = copy.deepcopy(by_id[target])
    return member


def _view(page: Page, uris: UriPolicy) -> dict[str, Any]:
    current = page.selection.page
    links = {"first": 1, "last": page.last_page}
    if current > 1:
        links["previous"] = min(current - 1, page.last_page)
    if current < page.last_page:
        links["next"] = current + 1
    view: dict[str, Any] = {"@id": collection_url(uris, page, page=current), "@type": [HYDRA + "PartialCollectionView"]}
    for name, number in links.items():
        view[HYDRA + name] = [{"@id": collection_url(uris, page, page=number)}]
    return view


def _search(collection: Collection, uris: UriPolicy) -> dict[str, Any]:
    variables = [f.name for f in collection.filters] + list(CONTROLS)
    properties = {f.name: str(f.property) for f in collection.filters} | _CONTROL_PROPERTIES
    mappings = []
    for name in variables:
        mapping = {"@type": [HYDRA + "IriTemplateMapping"], HYDRA + "variable": [{"@value": name}]}
        if name in properties:
            mapping[HYDRA + "property"] = [{"@id": properties[name]}]
        mapping[HYDRA + "required"] = [{"@value": False}]
        mappings.append(mapping)
    return {
        "@type": [HYDRA + "IriTemplate"],
        HYDRA + "template": [{"@value": f"{uris.base}/{collection.name}{{?{','.join(variables)}}}"}],
        HYDRA + "variableRepresentation": [{"@id": HYDRA + "BasicRepresentation"}],
        HYDRA + "mapping": mappings,
    }


def serialise(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


# ---------------------------------------------------------------- tables: CSV and HTML


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None


@dataclass(frozen=True)
class Row:
    uri: str
    href: str
    label: str
    cells: dict[str, list[Cell]]  # by field key


def rows(page: Page, uris: UriPolicy, lang: str) -> list[Row]:
    """The page's members as table rows in ``lang``: their name, and each field's values (linked things by
    their names)."""
    collection, graph = page.selection.collection, page.graph
    found = []
    for member in page.members:
        subject = URIRef(member)
        cells = {}
        for field in collection.fields:
            values = list(graph.objects(subject, field.predicate))
            cells[field.key] = [_cell(v, field.linked, page, uris, lang) for v in _in_language(values, lang)]
        label = _name(page, subject, lang) or member
        found.append(Row(member, href(uris, member), label, cells))
    return found


def _cell(value: Any, linked: bool, page: Page, uris: UriPolicy, lang: str) -> Cell:
    """A linked thing by its name and page; a web address (a homepage) as itself; a literal as its text."""
    if isinstance(value, URIRef):
        if linked:
            return Cell(_name(page, value, lang) or str(value), href(uris, str(value)))
        return Cell(str(value), str(value))
    return Cell(str(value))


def _name(page: Page, node: URIRef, lang: str) -> str | None:
    for predicate in (page.selection.collection.label, *LABELS):
        labels = {v.language or "": str(v) for v in page.graph.objects(node, predicate) if isinstance(v, Literal)}
        if labels:
            return pick(labels, lang)
    return None


def _in_language(values: list[Any], lang: str) -> list[Any]:
    """Literals in ``lang`` where some are (else those without language, else all); other values as they are."""
    tagged = [v for v in values if isinstance(v, Literal) and v.language]
    if not tagged:
        return sorted(values, key=str)
    labels = {v.language: v for v in tagged}
    chosen = labels.get(lang) or labels.get("nl") or tagged[0]
    return sorted([v for v in values if v not in tagged] + [chosen], key=str)


def href(uris: UriPolicy, uri: str) -> str:
    """Where a page links a thing: our things by their document, others by ``/resource``."""
    doc = uris.doc_for(uri)
    return doc[len(uris.base) :] if doc else f"/resource?uri={quote(uri, safe='')}"


def columns(collection: Collection) -> list[str]:
    """The CSV header: the member's URI and name, each field, and for links also their URIs."""
    names = ["id", "name", "type"]
    for field in collection.fields:
        names += [field.key, f"{field.key}Id"] if field.linked else [field.key]
    return names


def to_csv(page: Page, uris: UriPolicy, lang: str) -> bytes:
    """The page as CSV (RFC 4180: a header row, CRLF line ends, fields quoted where needed), several values of
    one field joined by ' | '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns(page.selection.collection))
    for row in rows(page, uris, lang):
        types = sorted(str(t) for t in page.graph.objects(URIRef(row.uri), RDF.type))
        line = [row.uri, row.label, " | ".join(types)]
        for field in page.selection.collection.fields:
            cells = row.cells[field.key]
            line.append(" | ".join(c.text for c in cells))
            if field.linked:
                line.append(" | ".join(sorted(str(v) for v in page.graph.objects(URIRef(row.uri), field.predicate))))
        writer.writerow(line)
    return out.getvalue().encode("utf-8")
