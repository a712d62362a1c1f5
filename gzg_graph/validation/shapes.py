"""The SHACL shapes: loading them, and reading off what they look at (which incremental validation needs).

The predicate sets below tell incremental validation how far a change can be seen: which links shapes
follow backwards, which hub links they read forward, which predicates they read beyond their focus node.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib.resources.abc import Traversable
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from ..errors import SourceError
from ..namespaces import SH, bind_prefixes
from ..sources.rdf import parse_turtle
from ..uris import UriPolicy


def load_shapes(shapes_dir: Path | Traversable, uris: UriPolicy) -> Graph:
    """Every ``*.ttl`` of the shapes folder, relative IRIs resolved against the configured base."""
    shapes = bind_prefixes(Graph(), str(uris.ns))
    files = (
        sorted((f for f in shapes_dir.iterdir() if f.name.endswith(".ttl")), key=lambda f: f.name)
        if shapes_dir.is_dir()
        else []
    )
    if not files:
        raise SourceError(str(shapes_dir), "no SHACL shapes (*.ttl) found")
    for path in files:
        shapes += parse_turtle(path, uris)
    return shapes


#: Links that fan out from hubs: an organisation plays roles in hundreds of projects, a province has
#: hundreds of sub-organisations, a code list hundreds of concepts. They are followed out of focus nodes
#: only (a shape may look one step along them from its own focus, never further: tests/test_incremental.py
#: checks that). A change to one re-validates its subject only if some shape reads the link forward
#: (``forward_predicates``): adding a project's participation must not re-validate the municipality that
#: plays it, with its hundreds of other roles, when no shape of a municipality looks at its roles.
HUB_PREDICATES = frozenset(
    {
        URIRef("http://data.europa.eu/m8g/playsRole"),
        URIRef("http://www.w3.org/ns/org#hasSubOrganization"),
        URIRef("http://www.w3.org/2004/02/skos/core#hasTopConcept"),
    }
)
#: Backward links that SPARQL constraints follow without an ``sh:inversePath`` declaring them.
SPARQL_INVERSE = frozenset({URIRef("http://www.w3.org/2004/02/skos/core#hasTopConcept")})


def inverse_predicates(shapes: Graph) -> set[URIRef]:
    """Predicates the shapes follow backwards (``sh:inversePath``): a neighbourhood must include them.

    Our SPARQL constraints walk backwards only over these same predicates (m8g:playsRole,
    m8g:hasParticipation, lblodSubsidie:heeftReeks); a new constraint that walks back over another
    predicate must declare it with an ``sh:inversePath`` too, or incremental validation will miss it.
    """
    declared = set(shapes.objects(None, SH.inversePath)) | set(shapes.objects(None, SH.targetObjectsOf))
    return {p for p in declared if isinstance(p, URIRef)} | SPARQL_INVERSE


def forward_predicates(shapes: Graph) -> set[URIRef]:
    """Predicates some shape reads forward from its focus node: in a property path (not under
    ``sh:inversePath``), as ``sh:targetSubjectsOf``, or right after ``$this`` in a SPARQL constraint."""
    found = {p for p in shapes.objects(None, SH.targetSubjectsOf) if isinstance(p, URIRef)}
    found |= {
        p
        for path in shapes.objects(None, SH.path)
        for p, _, backwards in _path_predicates(shapes, path)
        if not backwards
    }
    queries = " ".join(str(q) for q in shapes.objects(None, SH.select))
    for predicate in HUB_PREDICATES:
        local = re.split(r"[/#]", str(predicate))[-1]
        if re.search(rf"\$this\s+(<{re.escape(str(predicate))}>|[A-Za-z_][\w-]*:{re.escape(local)}\b)", queries):
            found.add(predicate)
    return found


def _path_predicates(
    shapes: Graph, path: Node, deep: bool = False, backwards: bool = False
) -> Iterator[tuple[URIRef, bool, bool]]:
    """(predicate, deep, backwards) for each predicate a SHACL property path reads: ``deep`` when it is read
    beyond the path's first node, ``backwards`` under ``sh:inversePath``."""
    if isinstance(path, URIRef):
        yield path, deep, backwards
    elif shapes.value(path, RDF.first) is not None:  # a sequence: every step after the first is deep
        for index, step in enumerate(shapes.items(path)):
            yield from _path_predicates(shapes, step, deep or index > 0, backwards)
    else:
        for alternatives in shapes.objects(path, SH.alternativePath):
            for step in shapes.items(alternatives):
                yield from _path_predicates(shapes, step, deep, backwards)
        for inner in shapes.objects(path, SH.inversePath):
            yield from _path_predicates(shapes, inner, deep, not backwards)
        for kind in (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
            for inner in shapes.objects(path, kind):
                yield from _path_predicates(shapes, inner, True, backwards)


#: Parameters whose shapes are applied to value nodes rather than to the focus node itself.
_NESTING = (SH.node, SH.qualifiedValueShape, SH["not"], SH["and"], SH["or"], SH.xone)


def deep_predicates(shapes: Graph) -> set[URIRef]:
    """Predicates some shape reads on a node other than its focus node: later steps of property paths,
    the paths of nested shapes (``sh:node``, ``sh:qualifiedValueShape``, ``sh:not``, ...), ``rdf:type``
    and ``rdfs:subClassOf`` for ``sh:class``, and every predicate a SPARQL query names. A change to a node
    over any other predicate cannot change what the nodes referring to it see, so they need no re-check:
    correcting a municipality's alternative name must not re-validate its hundreds of projects."""
    found: set[URIRef] = {RDF.type, URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf")}
    nested, todo = set(), [o for p in _NESTING for o in shapes.objects(None, p)]
    while todo:
        node = todo.pop()
        members = list(shapes.items(node)) if shapes.value(node, RDF.first) is not None else [node]
        for shape in members:
            if shape not in nested:
                nested.add(shape)
                todo.extend(shapes.objects(shape, SH.property))
                todo.extend(o for p in _NESTING for o in shapes.objects(shape, p))
    found |= {
        p
        for shape, path in shapes.subject_objects(SH.path)
        for p, deep, _ in _path_predicates(shapes, path, shape in nested)
        if deep
    }
    found |= sparql_predicates(shapes)
    return found


def sparql_predicates(shapes: Graph) -> set[URIRef]:
    """Every IRI a SPARQL query in the shapes names: in full, with a declared prefix, or as the relative
    ``"ns/gzg#..."`` our queries build with ``IRI(CONCAT(...))`` to stay independent of the base URI.
    Over-counting is safe: it only re-checks more."""
    prefixes = {
        str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace)) for d in shapes.objects(None, SH.declare)
    }
    own = _own_namespace(shapes)
    found = set()
    for query in shapes.objects(None, SH.select):
        text = str(query)
        found |= {URIRef(iri) for iri in re.findall(r"<([a-z][a-z0-9+.-]*:[^<>\s]*)>", text)}
        for prefix, local in re.findall(r"(?<![\w$?<#:/])([A-Za-z][\w-]*|):([A-Za-z_][\w-]*)", text):
            if prefix in prefixes:
                found.add(URIRef(prefixes[prefix] + local))
        if own:
            found |= {URIRef(own + local) for local in re.findall(r'"ns/gzg#([A-Za-z_][\w-]*)"', text)}
    return found


def _own_namespace(shapes: Graph) -> str | None:
    """Our vocabulary's namespace (``{base}/ns/gzg#``), read off the shapes' own IRIs (``{base}/shapes/gzg#``)."""
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        if isinstance(shape, URIRef) and "/shapes/gzg#" in shape:
            return str(shape).split("/shapes/gzg#")[0] + "/ns/gzg#"
    return None
