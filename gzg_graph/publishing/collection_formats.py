"""A collection page as the rows of a table: CSV (RFC 4180) and the HTML page's table. Each member is a row
with its name and, per field, its values in the page's language (linked things by their names). The JSON-LD
is :mod:`.collection_jsonld`'s."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from ..uris import UriPolicy
from .collections import LABELS, Collection, Page, pick


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
