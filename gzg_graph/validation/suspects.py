"""The suspects of a full validation: for each shape with targets, the focus nodes its compiled checks
(:mod:`.compiled`) find in an in-memory pyoxigraph copy of the data.

Where pyoxigraph and rdflib see the data differently, the difference is made a suspect too, so that
pyshacl, which validates the suspects, still sees everything it would have reported:

* ill-typed literals: pyoxigraph's parsers and rdflib's disagree on some (``"2022-01-15Z"^^xsd:date``);
  a datatype with a literal they judge differently is *tainted*, and every literal of it is a suspect
  wherever that datatype is checked;
* literals pyoxigraph stores in another form than rdflib holds them (``"12.50"^^xsd:decimal`` becomes
  ``"12.5"``, an explicit ``^^xsd:string`` disappears): the nodes within a few links of them are suspects
  for every shape (only when validating an rdflib graph; from N-Triples, pyshacl sees pyoxigraph's forms).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from ..namespaces import SH
from ..terms import to_oxigraph, to_rdflib
from .compiled import NUMERIC, CompiledShape, Compiler, Taint
from .shapes import sparql_predicates

log = logging.getLogger(__name__)

#: How many links back from a literal a shape may read it (the longest path, or a SPARQL constraint's walk).
ODD_REACH = 3
_PLAIN = {XSD.string, RDF.langString}


@dataclass
class Suspects:
    """Per shape: the focus nodes to validate; ``all_targets``: shapes pyshacl must find the targets of."""

    nodes: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    all_targets: set[Node] = field(default_factory=set)
    seconds: dict[str, float] = field(default_factory=dict)  # per check, for benchmarks

    @property
    def count(self) -> int:
        return sum(len(nodes) for nodes in self.nodes.values())


def load(data: Graph) -> ox.Store:
    """An in-memory pyoxigraph copy of an rdflib graph (default graph)."""
    store = ox.Store()
    store.bulk_load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def find(store: ox.Store, shapes: Graph, targeted: Iterable[Node], odd: set[Node] | None = None) -> Suspects:
    """The suspects of every shape in ``targeted`` (shapes pyshacl found targets declarations on), in the
    default graph of ``store``; ``odd``: nodes that are suspects for every shape targeting them."""
    known: dict[Node, list[Node]] = {}

    def subclasses(cls: Node) -> list[Node]:
        if cls not in known:
            known[cls] = _subclasses(store, cls)
        return known[cls]

    compiler = Compiler(shapes, tainted_datatypes(store, shapes), subclasses)
    found = Suspects()
    for shape in targeted:
        compiled = compiler.compile(shape)
        if compiled.targets is None:
            found.all_targets.add(shape)
            continue
        nodes = found.nodes[shape]
        for rows in _run(store, compiled, compiler.prefixes, found.seconds):
            nodes.update(rows)
        if compiled.everything or odd:
            targets = _select(store, f"SELECT DISTINCT ?this WHERE {{ {compiled.targets} }}", compiler.prefixes)
            nodes.update(targets if compiled.everything else targets & (odd or set()))
    return found


def _subclasses(store: ox.Store, cls: Node) -> list[Node]:
    """The class and its subclasses in the data (``rdfs:subClassOf*``), as pyshacl's targetClass reads them."""
    query = f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* ?class }}"
    found = _select_var(store, query.replace("?class", f"<{cls}>")) if isinstance(cls, URIRef) else set()
    return sorted(found | {cls}, key=str)


def _select_var(store: ox.Store, query: str) -> set[Node]:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return {to_rdflib(row[0]) for row in solutions if row[0] is not None}


def _run(
    store: ox.Store, compiled: CompiledShape, prefixes: dict[str, str], seconds: dict[str, float]
) -> Iterable[set[Node]]:
    """The suspects of each compiled check, timed per check."""
    for check in compiled.checks:
        start = time.perf_counter()
        rows = _select(store, check.query, prefixes)
        seconds[check.constraint] = seconds.get(check.constraint, 0.0) + time.perf_counter() - start
        yield rows


def _select(store: ox.Store, query: str, prefixes: dict[str, str]) -> set[Node]:
    solutions = store.query(query, prefixes=prefixes)
    assert isinstance(solutions, ox.QuerySolutions)
    return {to_rdflib(row[0]) for row in solutions if row[0] is not None}


def tainted_datatypes(store: ox.Store, shapes: Graph) -> Taint:
    """The datatypes of ``sh:datatype`` with a literal pyoxigraph and pyshacl (rdflib) judge differently."""
    tainted = set()
    for datatype in {d for d in shapes.objects(None, SH.datatype) if isinstance(d, URIRef)} - _PLAIN:
        iri = f"<{datatype}>"
        if datatype in NUMERIC:  # pyoxigraph's ill-typed numbers (rdflib accepts more, never less)
            test = f"DATATYPE(?v) = {iri} && !isNumeric(?v)"
            if any(_fits(to_rdflib(row[0]), datatype) for row in _literals(store, test)):
                tainted.add(datatype)
            continue
        if not all(_fits(to_rdflib(row[0]), datatype) for row in _literals(store, f"DATATYPE(?v) = {iri}")):
            tainted.add(datatype)
    return Taint(frozenset(tainted))


def _literals(store: ox.Store, test: str) -> ox.QuerySolutions:
    """The distinct literals that pass ``test`` (about ``?v``)."""
    solutions = store.query(f"SELECT DISTINCT ?v WHERE {{ ?s ?p ?v FILTER(isLiteral(?v) && {test}) }}")
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


_VALUE_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.integer: int, XSD.decimal: Decimal, XSD.float: float, XSD.boolean: bool, XSD.date: date,
    XSD.dateTime: datetime,
}  # fmt: skip


def _fits(literal: Node, datatype: URIRef) -> bool:
    """Whether pyshacl's sh:datatype accepts the literal (pyshacl's DatatypeConstraintComponent)."""
    if not isinstance(literal, Literal) or literal.ill_typed is True:
        return False
    expected = _VALUE_TYPES.get(datatype)
    return expected is None or isinstance(literal.value, expected)


def odd_nodes(data: Graph, store: ox.Store, shapes: Graph) -> set[Node]:
    """Nodes within ``ODD_REACH`` links of a literal that ``store`` holds in another form than ``data``,
    over a predicate the shapes name (any IRI of the shapes graph, or of its SPARQL queries)."""
    named = {node for triple in shapes for node in triple if isinstance(node, URIRef)} | sparql_predicates(shapes)
    query = "SELECT DISTINCT ?v WHERE { ?s ?p ?v FILTER(isLiteral(?v) && DATATYPE(?v) != xsd:string) }"
    solutions = store.query(query, prefixes={"xsd": str(XSD)})
    assert isinstance(solutions, ox.QuerySolutions)
    kept = {(row[0].value, row[0].datatype.value) for row in solutions}
    frontier: set[Node] = set()
    for s, p, o in data:
        if (
            p in named
            and isinstance(o, Literal)
            and (
                o.datatype == XSD.string
                or (o.language is not None and o.language != o.language.lower())
                or (o.datatype is not None and (str(o), str(o.datatype)) not in kept)
            )
        ):
            frontier.add(s)
    found = set(frontier)
    for _ in range(ODD_REACH - 1):
        frontier = {s for node in frontier for s in data.subjects(None, node)} - found
        found |= frontier
    return found


class StoreReader:
    """Neighbourhoods read from a pyoxigraph store's default graph, for :func:`.incremental.neighbourhood`."""

    def __init__(self, store: ox.Store):
        self.store = store

    def outgoing(self, nodes: Iterable[Node], skip: Iterable[URIRef] = frozenset()) -> set[tuple]:
        """Triples from ``nodes``, except over the predicates in ``skip``."""
        skipped = {str(p) for p in skip}
        found = set()
        for node in nodes:
            if isinstance(node, Literal):
                continue
            for quad in self.store.quads_for_pattern(_resource(node), None, None, ox.DefaultGraph()):
                if quad.predicate.value not in skipped:
                    found.add((node, URIRef(quad.predicate.value), to_rdflib(quad.object)))
        return found

    def incoming(self, nodes: Iterable[Node], predicates: Iterable[URIRef] | None = None) -> set[tuple]:
        """Triples from an IRI to ``nodes`` (only through ``predicates`` when given)."""
        wanted = None if predicates is None else {str(p) for p in predicates}
        found = set()
        for node in nodes:
            if isinstance(node, Literal):
                continue
            for quad in self.store.quads_for_pattern(None, None, _resource(node), ox.DefaultGraph()):
                if isinstance(quad.subject, ox.NamedNode) and (wanted is None or quad.predicate.value in wanted):
                    found.add((URIRef(quad.subject.value), URIRef(quad.predicate.value), node))
        return found


def _resource(node: Node) -> ox.NamedNode | ox.BlankNode:
    converted = to_oxigraph(node)
    assert not isinstance(converted, ox.Literal)
    return converted
