"""JSON-LD for developers: the published context and resource documents compacted with it and nested.

The context (``{base}/ns/context.jsonld``) is built from data: ``contexts/terms.json`` (which terms, with
which value shapes), the official OSLO contexts next to it (term names and IRIs, checked against ours) and
the gzg ontology (our own terms, typed by their ``rdfs:range``). ``contexts/README.md`` explains each choice.

A document is the description's triples, nothing more and nothing less: the RDF goes to expanded JSON-LD
(pyld ``from_rdf``), nodes are nested under the resource (forwards along links, backwards along the
context's reverse terms: a participation's organisation, a call's projects) and the tree is compacted
with the context *by URL*. Every JSON-LD operation resolves contexts through :func:`document_loader`, from
the package's files: nothing is fetched from the network.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from typing import Any

import pyoxigraph as ox
from pyld import jsonld  # type: ignore[import-untyped]
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ..config import packaged
from ..namespaces import PREFIXES
from ..terms import to_rdflib
from ..uris import UriPolicy
from .compaction import Compactor, expanded_nodes

CONTEXT_PATH = "/ns/context.jsonld"
#: Where OSLO publishes the contexts we ship (OSLO-Generated's ``doc/...`` is served under this host).
OSLO_SITE = "https://data.vlaanderen.be/doc/applicatieprofiel/"
OSLO_URLS = {
    OSLO_SITE + "besluit-subsidie/context/besluit-subsidie-ap.jsonld": "oslo-besluit-subsidie-ap.jsonld",
    OSLO_SITE + "organisatie-basis/context/organisatie-basis.jsonld": "oslo-organisatie-basis.jsonld",
    OSLO_SITE + "besluit-publicatie/context/besluit-publicatie.jsonld": "oslo-besluit-publicatie.jsonld",
}
#: Datatypes whose canonical values become JSON numbers / booleans (and come back as the same literal).
_NATIVE = {str(XSD.integer): re.compile(r"-?(0|[1-9][0-9]*)"), str(XSD.boolean): re.compile(r"true|false")}
_NATIVE_RANGES = {str(XSD.integer), str(XSD.boolean)}

Loader = Callable[[str, dict[str, Any]], dict[str, Any]]
Node = dict[str, Any]


def context_url(uris: UriPolicy) -> str:
    return uris.base + CONTEXT_PATH


def _read(name: str) -> Any:
    return json.loads(resources.files(__package__).joinpath("contexts", name).read_text(encoding="utf-8"))


@cache
def context(base: str) -> dict[str, Any]:
    """The context document (``{"@context": {...}}``) for graphs built under ``base``."""
    uris = UriPolicy(base)
    spec = _read("terms.json")
    prefixes = {**PREFIXES, "gzg": str(uris.ns)}
    oslo = {key: _read(name)["@context"] for key, name in spec["oslo"].items()}
    terms: dict[str, Any] = {"@version": 1.1}

    def add(term: str, definition: Any) -> None:
        if term in terms:
            raise ValueError(f"context term {term!r} defined twice")
        terms[term] = definition

    for entry in spec["classes"] + spec["properties"]:
        iri = _expand(entry["iri"], prefixes)
        if "oslo" in entry:
            source, name = entry["oslo"]
            official = oslo[source][name]
            official_iri = official if isinstance(official, str) else official["@id"]
            if official_iri != iri:
                raise ValueError(f"OSLO {source} maps {name!r} to {official_iri}, not {iri}")
        if "value" not in entry:
            add(entry["term"], iri)
        else:
            add(entry["term"], {"@id": iri, **_shape(entry["value"], entry.get("set", False), prefixes)})
    for entry in spec["reverse"]:
        # always a set: pyld picks a reverse term over a forward @set term of the same IRI only if it is one too
        add(entry["term"], {"@reverse": _expand(entry["reverse"], prefixes), "@container": "@set"})
    renames = spec.get("ontology", {}).get("rename", {})
    for term, definition in _ontology_terms(uris):
        add(renames.get(term, term), definition)
    return {"@context": terms}


def _expand(curie: str, prefixes: dict[str, str]) -> str:
    prefix, _, local = curie.partition(":")
    if prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    return curie


def _shape(value: str, as_set: bool, prefixes: dict[str, str]) -> dict[str, Any]:
    shape: dict[str, Any]
    if value == "id":
        shape = {"@type": "@id"}
    elif value == "language":
        return {"@container": "@language"}
    elif value == "plain":
        shape = {}
    else:
        shape = {"@type": _expand(value, prefixes)}
    return {**shape, "@container": "@set"} if as_set else shape


def _ontology_terms(uris: UriPolicy) -> Iterable[tuple[str, Any]]:
    """Our own classes and properties, named by their local name, typed by their range."""
    graph = Graph().parse(
        data=packaged("ontology").joinpath("gzg.ttl").read_text(encoding="utf-8"),
        format="turtle",
        publicID=uris.parse_base,
    )
    ns = str(uris.ns)
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for subject in sorted((s for s in graph.subjects(RDF.type, kind) if str(s).startswith(ns)), key=str):
            local = str(subject)[len(ns) :]
            if kind == OWL.Class:
                yield local, str(subject)
            elif kind == OWL.ObjectProperty:
                yield local, {"@id": str(subject), "@type": "@id"}
            else:
                ranges = {str(r) for r in graph.objects(subject, RDFS.range)}
                typed = ranges - _NATIVE_RANGES
                yield local, {"@id": str(subject), **({"@type": typed.pop()} if len(typed) == 1 else {})}


def document_loader(uris: UriPolicy) -> Loader:
    """A pyld document loader for our context and the OSLO contexts, from the package; refuses any other URL."""
    own = context_url(uris)

    def load(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        if url == own:
            document: Any = context(uris.base)
        elif url in OSLO_URLS:
            document = _read(OSLO_URLS[url])
        else:
            raise jsonld.JsonLdError(
                f"no offline copy of {url}", "jsonld.LoadDocumentError", code="loading document failed"
            )
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": document}

    return load


def to_jsonld(graph: Graph, resource: str, uris: UriPolicy) -> dict[str, Any]:
    """The graph as one JSON-LD tree about ``resource``, compacted with the context referenced by URL.

    pyld's result (``from_rdf``, nesting, ``compact``), with the per-document work that does not depend on the
    document done once (:mod:`.compaction`; :func:`to_jsonld_reference` is the plain pyld path)."""
    nodes = expanded_nodes(graph)
    if nodes is None:
        return to_jsonld_reference(graph, resource, uris)
    tree = _nest(_native_values(nodes), resource, _reverse_iris(uris))
    return _compactor(uris.base).compact(tree)


def to_jsonld_reference(graph: Graph, resource: str, uris: UriPolicy) -> dict[str, Any]:
    """:func:`to_jsonld` by plain pyld calls: the reference the fast path is tested against."""
    nodes = jsonld.from_rdf(graph.serialize(format="nt"), {"format": "application/n-quads"})
    tree = _nest(_native_values(nodes), resource, _reverse_iris(uris))
    # the tree is already expanded (from_rdf, then nested): pyld need not expand it again before compacting
    options = {"documentLoader": document_loader(uris), "base": "", "skipExpansion": True}
    compacted: dict[str, Any] = jsonld.compact(tree, context_url(uris), options)
    return compacted


@cache
def _compactor(base: str) -> Compactor:
    uris = UriPolicy(base)
    return Compactor(context_url(uris), document_loader(uris))


def to_graph(document: dict[str, Any], uris: UriPolicy) -> Graph:
    """A JSON-LD document back to RDF (expanded with the offline loader): for checking the round trip."""
    options = {"documentLoader": document_loader(uris), "format": "application/n-quads"}
    nquads: str = jsonld.to_rdf(document, options)
    graph = Graph()
    for quad in ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS):  # literals spelt as written
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


@cache
def _reverse_iris(uris: UriPolicy) -> tuple[str, ...]:
    """The properties the context has reverse terms for, in the order they are preferred for nesting."""
    terms = context(uris.base)["@context"].values()
    return tuple(t["@reverse"] for t in terms if isinstance(t, dict) and "@reverse" in t)


def _native_values(nodes: list[Node]) -> list[Node]:
    """Canonical xsd:integer and xsd:boolean values as JSON numbers and booleans (they expand back the same)."""
    for node in nodes:
        for key, values in node.items():
            if key.startswith("@"):
                continue
            for value in values:
                pattern = _NATIVE.get(value.get("@type", ""))
                if pattern and pattern.fullmatch(value["@value"]):
                    raw = value["@value"]
                    value["@value"] = raw == "true" if value["@type"] == str(XSD.boolean) else int(raw)
                    del value["@type"]
    return nodes


def _nest(nodes: list[Node], root_id: str, reverse_preferred: tuple[str, ...]) -> Node:
    """One expanded tree: ``root_id``'s node with every other node embedded once.

    A node that links to another over a property the context has a reverse term for (an organisation's
    ``m8g:playsRole``, a project's ``gzg:oproep``, ...) is nested under the node it links to, backwards
    (``@reverse``), so a participation shows its organisation and a call its projects. Every other node
    is embedded forwards where it is first reached (breadth-first: nearest the root). A node reached
    neither way (the labels of its classes: ``@type`` values cannot embed) goes into the root's
    ``@included``: no triple is ever dropped. A node that only has literals (a role or a theme with its
    labels) is embedded wherever it is referenced, so each participation shows its role's name.
    """
    tree = _Tree({n["@id"]: n for n in nodes if len(n) > 1}, root_id, reverse_preferred)  # bare refs skipped
    tree.grow()
    left = [_copy(tree.nodes[i]) for i in sorted(tree.nodes) if i not in tree.placed]
    references = _reference_counts(nodes)
    for node_id, node in tree.placed.items():
        if node_id.startswith("_:") and node_id in tree.inline and references.get(node_id, 0) == 1:
            del node["@id"]  # a blank node used once needs no label once it sits where it is used
    if left:
        tree.root["@included"] = left
    return tree.root


class _Tree:
    def __init__(self, nodes: dict[str, Node], root_id: str, preferred: tuple[str, ...]):
        if root_id not in nodes:
            raise KeyError(root_id)
        self.nodes, self.preferred = nodes, preferred
        self.placed: dict[str, Node] = {}
        self.inline: set[str] = set()  # nodes embedded where they are referenced
        self.parent: dict[str, tuple[str, str]] = {}  # node -> (node it nests under backwards, property)
        self.leaves = {i for i, node in nodes.items() if not i.startswith("_:") and not _links(node)}
        for node_id, node in sorted(nodes.items()):
            targets = [
                (rank, v["@id"], key)
                for rank, key in enumerate(preferred)
                for v in node.get(key, [])
                if set(v) == {"@id"} and v["@id"] in nodes and v["@id"] != node_id
            ]
            if targets and node_id != root_id:
                _, target, key = min(targets)
                self.parent[node_id] = (target, key)
        self.root = self._place(root_id)

    def _place(self, node_id: str) -> Node:
        node = _copy(self.nodes[node_id])
        self.placed[node_id] = node
        return node

    def grow(self) -> None:
        queue = deque([self.root])
        while True:
            self._forward(queue)
            queue.extend(self._backward())
            if queue:
                continue
            orphans = [
                i for i, (target, _) in self.parent.items() if i not in self.placed and target not in self.placed
            ]
            if not orphans:
                queue.extend(self._any_backward())
                if not queue:
                    return
            for node_id in orphans:  # their preferred parent is not in the tree: place them as any other node
                del self.parent[node_id]
            queue.extend(self.placed.values())

    def _forward(self, queue: deque[Node]) -> None:
        while queue:
            node = queue.popleft()
            for key, values in node.items():
                if key.startswith("@"):
                    continue
                for index, value in enumerate(values):
                    target = value.get("@id") if set(value) == {"@id"} else None
                    if target in self.nodes and target not in self.placed and target not in self.parent:
                        values[index] = self._place(target)
                        queue.append(values[index])
                        self.inline.add(target)
                    elif target in self.leaves and target not in self.parent:
                        values[index] = _copy(self.nodes[target])  # the same triples again

    def _backward(self) -> list[Node]:
        attached = []
        for node_id, (target, key) in sorted(self.parent.items()):
            if node_id not in self.placed and target in self.placed:
                attached.append(self._attach(node_id, key, target))
        return attached

    def _any_backward(self) -> list[Node]:
        """A node nothing placed links to, attached backwards over any property to a placed node it links to."""
        for node_id in sorted(i for i in self.nodes if i not in self.placed):
            for key, values in sorted(self.nodes[node_id].items()):
                for value in values if not key.startswith("@") else []:
                    if set(value) == {"@id"} and value["@id"] in self.placed:
                        return [self._attach(node_id, key, value["@id"])]
        return []

    def _attach(self, node_id: str, key: str, target: str) -> Node:
        node = self._place(node_id)
        node[key] = [v for v in node[key] if v != {"@id": target}]
        if not node[key]:
            del node[key]
        self.placed[target].setdefault("@reverse", {}).setdefault(key, []).append(node)
        return node


def _copy(node: Node) -> Node:
    """A copy of a node as from_rdf makes it (values are flat objects): what ``copy.deepcopy`` gives, faster."""
    return {
        key: v if isinstance(v, str) else [x if isinstance(x, str) else dict(x) for x in v] for key, v in node.items()
    }


def _links(node: Node) -> bool:
    return any(set(v) == {"@id"} for key, values in node.items() if not key.startswith("@") for v in values)


def _reference_counts(nodes: list[Node]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in nodes:
        for key, values in node.items():
            if not key.startswith("@"):
                for value in values:
                    if set(value) == {"@id"}:
                        counts[value["@id"]] = counts.get(value["@id"], 0) + 1
    return counts


def serialise(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
