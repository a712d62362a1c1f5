"""A collection page as JSON-LD: a Hydra Core collection, compacted with ``[our context by URL, the Hydra terms]``.

The members' keys are the published context's terms (``naam``, ``voorkeursnaam``, ...), the collection's are
Hydra's (``totalItems``, ``member``, ``view``, ``search``). Each member is its triples over the collection's
fields, with the things it links to embedded by their names: expanded, the members are exactly the page's
graph. :func:`expanded` is that document in expanded form, the reference; :func:`to_jsonld` writes it
compacted. It compacts the members itself, term by term from the context's definitions, instead of with
pyld's general algorithm, which spent about 1 ms per member looking for compact IRIs among the context's 130
terms (a page of 46 local governments: 48 ms with pyld, see the README's figures); the tests expand both and
compare their triples.
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from functools import cache
from typing import Any
from urllib.parse import urlencode

from pyld import jsonld as pyld  # type: ignore[import-untyped]
from rdflib.namespace import XSD

from ..uris import UriPolicy
from . import jsonld
from .collections import CONTROLS, SEARCH, Collection, Page

HYDRA = "http://www.w3.org/ns/hydra/core#"
#: What hydra:mapping says the paging variables are (sort has no Hydra property).
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
_CANONICAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
Node = dict[str, Any]


def collection_url(uris: UriPolicy, shown: Page, **changes: Any) -> str:
    """The URL of the selection (``page=None`` for the whole collection, ``page=n`` for one of its views)."""
    params = shown.selection.query_params(**changes)
    return f"{uris.base}/{shown.selection.collection.name}" + (f"?{urlencode(params)}" if params else "")


def context(uris: UriPolicy) -> list[Any]:
    return [jsonld.context_url(uris), HYDRA_TERMS]


def to_jsonld(page: Page, uris: UriPolicy) -> Node:
    """The page as a compacted Hydra collection: the collection's own keys first, its members last."""
    collection = page.selection.collection
    terms = _Terms.of(uris.base)
    return {
        "@context": context(uris),
        "@id": collection_url(uris, page, page=None, pageSize=None),
        "@type": "Collection",
        "totalItems": page.total,
        "view": {"@id": collection_url(uris, page, page=page.selection.page), "@type": "PartialCollectionView"}
        | {rel: collection_url(uris, page, page=number) for rel, number in page_links(page).items()},
        "search": {
            "@type": "IriTemplate",
            "template": _template(collection, uris),
            "variableRepresentation": "BasicRepresentation",
            "mapping": [
                {"@type": "IriTemplateMapping", "variable": name}
                | ({"property": iri} if iri else {})
                | {"required": False}
                for name, iri in _variables(collection)
            ],
        },
        "member": [terms.compact(member) for member in _members(page)],
    }


def expanded(page: Page, uris: UriPolicy) -> Node:
    """The same document in expanded JSON-LD (the reference :func:`to_jsonld` is checked against)."""
    collection = page.selection.collection
    view: Node = {
        "@id": collection_url(uris, page, page=page.selection.page),
        "@type": [HYDRA + "PartialCollectionView"],
    }
    for rel, number in page_links(page).items():
        view[HYDRA + rel] = [{"@id": collection_url(uris, page, page=number)}]
    mappings = []
    for name, iri in _variables(collection):
        mapping: Node = {"@type": [HYDRA + "IriTemplateMapping"], HYDRA + "variable": [{"@value": name}]}
        mapping |= {HYDRA + "property": [{"@id": iri}]} if iri else {}
        mappings.append(mapping | {HYDRA + "required": [{"@value": False}]})
    search = {
        "@type": [HYDRA + "IriTemplate"],
        HYDRA + "template": [{"@value": _template(collection, uris)}],
        HYDRA + "variableRepresentation": [{"@id": HYDRA + "BasicRepresentation"}],
        HYDRA + "mapping": mappings,
    }
    return {
        "@id": collection_url(uris, page, page=None, pageSize=None),
        "@type": [HYDRA + "Collection"],
        HYDRA + "totalItems": [{"@value": page.total}],
        HYDRA + "member": _members(page),
        HYDRA + "view": [view],
        HYDRA + "search": [search],
    }


def page_links(page: Page) -> dict[str, int]:
    """The view's links (Hydra's names: first, previous, next, last) and the page number each points to."""
    current, last = page.selection.page, page.last_page
    links = {"first": 1, "last": last}
    if current > 1:
        links["previous"] = min(current - 1, last)
    if current < last:
        links["next"] = current + 1
    return links


def _variables(collection: Collection) -> list[tuple[str, str | None]]:
    """The template's variables with the property each filters on (None for sort)."""
    properties = {f.name: str(f.property) for f in collection.filters} | _CONTROL_PROPERTIES
    names = [f.name for f in collection.filters] + list(CONTROLS)
    return [(name, properties.get(name)) for name in names]


def _template(collection: Collection, uris: UriPolicy) -> str:
    return f"{uris.base}/{collection.name}{{?{','.join(name for name, _ in _variables(collection))}}}"


def _members(page: Page) -> list[Node]:
    """The members in page order as expanded nodes, with the nodes they link to embedded."""
    nodes = pyld.from_rdf(page.graph.serialize(format="nt"), {"format": "application/n-quads"})
    by_id = {node["@id"]: _native(node) for node in nodes}
    return [_embedded(by_id[m], by_id) for m in page.members if m in by_id]


def _native(node: Node) -> Node:
    """Canonical xsd:integer values as JSON numbers (they expand back to the same literal)."""
    for key, values in node.items():
        for value in values if not key.startswith("@") else []:
            if value.get("@type") == str(XSD.integer) and _CANONICAL_INTEGER.fullmatch(value["@value"]):
                del value["@type"]
                value["@value"] = int(value["@value"])
    return node


def _embedded(node: Node, by_id: dict[str, Node]) -> Node:
    member = copy.deepcopy(node)
    for key, values in member.items():
        for index, value in enumerate(values if not key.startswith("@") else []):
            target = value.get("@id") if set(value) == {"@id"} else None
            if target in by_id and target != node["@id"]:
                values[index] = copy.deepcopy(by_id[target])
    return member


class _Terms:
    """Our context's terms by the IRI they stand for: compacts expanded nodes the way a JSON-LD processor may."""

    def __init__(self, definitions: dict[str, Any]):
        self.classes: dict[str, str] = {}
        self.properties: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for term, definition in sorted(definitions.items()):
            if term.startswith("@"):
                continue
            if isinstance(definition, str):
                self.classes.setdefault(definition, term)
                self.properties[definition].append((term, {}))
            elif "@id" in definition:
                self.properties[definition["@id"]].append((term, definition))

    @staticmethod
    @cache
    def of(base: str) -> _Terms:
        return _Terms(jsonld.context(base)["@context"])

    def compact(self, node: Node) -> Node:
        out: Node = {"@id": node["@id"]} if "@id" in node else {}
        if node.get("@type"):
            types = [self.classes.get(t, t) for t in node["@type"]]
            out["@type"] = types[0] if len(types) == 1 else types
        for iri, values in sorted(node.items()):
            if not iri.startswith("@"):
                key, value = self._property(iri, values)
                out[key] = value
        return out

    def _property(self, iri: str, values: list[Node]) -> tuple[str, Any]:
        """The first term whose definition fits every value, and the values as it writes them; else the IRI."""
        for term, definition in self.properties.get(iri, []):
            written = self._written(definition, values)
            if written is not None:
                as_set = definition.get("@container") == "@set"
                return term, written if as_set or len(written) != 1 or isinstance(written, dict) else written[0]
        return iri, values

    def _written(self, definition: dict[str, Any], values: list[Node]) -> Any:
        kind, container = definition.get("@type"), definition.get("@container")
        if container == "@language":
            if not all(set(v) <= {"@value", "@language"} and isinstance(v["@value"], str) for v in values):
                return None
            found: dict[str, list[str]] = {}
            for v in values:
                found.setdefault(v.get("@language", "@none"), []).append(v["@value"])
            return {lang: texts[0] if len(texts) == 1 else texts for lang, texts in found.items()}
        if kind == "@id":
            if not all("@id" in v for v in values):
                return None
            return [v["@id"] if set(v) == {"@id"} else self.compact(v) for v in values]
        if kind is not None:
            if not all(v.get("@type") == kind and set(v) == {"@value", "@type"} for v in values):
                return None
            return [v["@value"] for v in values]
        if container not in (None, "@set"):
            return None
        return [self._plain(v) for v in values]

    def _plain(self, value: Node) -> Any:
        """A value under a term without type coercion: a string or number as itself, else its object."""
        if set(value) == {"@value"}:
            return value["@value"]
        if "@id" in value:
            return self.compact(value) if set(value) != {"@id"} else {"@id": value["@id"]}
        return value
