"""Incremental validation gives the same verdict as full validation, on many generated changes.

The base is the conforming small world of ``tests/shapes/base.ttl``. A change is either one of the
hand-written shape cases (``tests/shapes/*.ttl``: additions plus removals) or a random mutation of the
base: triples removed, triples re-pointed at other nodes or given other literals. For each, the verdict
of ``validate_change`` (only the touched nodes, reading the base as the current state) must equal that of
``validate`` over the whole changed graph.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import BASE, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import XSD

from gzg_graph.sources.rdf import parse_turtle
from gzg_graph.store import EmbeddedStore
from gzg_graph.uris import UriPolicy
from gzg_graph.validation import ValidationReport, load_shapes, validate, validate_change

URIS = UriPolicy(BASE)
CASES = REPO / "tests" / "shapes"
TEST = Namespace("http://example.org/shape-tests#")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(REPO / "shapes", URIS)


@pytest.fixture(scope="module")
def base() -> Graph:
    return parse_turtle(CASES / "base.ttl", URIS)


def case_change(name: str, base: Graph) -> tuple[Graph, Graph]:
    """(added, removed) of a hand-written case, relative to the base."""
    case = parse_turtle(CASES / f"{name}.ttl", URIS)
    removed = Graph()
    for subject, predicate in case.subject_objects(URIRef(str(TEST) + "drop")):
        removed += base.triples((subject, predicate, None))
    for subject in case.subjects(URIRef(str(TEST) + "dropResource"), Literal(True)):
        removed += base.triples((subject, None, None))
    added = Graph()
    for s, p, o in case:
        if not str(p).startswith(str(TEST)) and (s, p, o) not in base:
            added.add((s, p, o))
    return added, removed


def full_verdict(base: Graph, added: Graph, removed: Graph, shapes: Graph) -> bool:
    return full_report(base, added, removed, shapes).conforms


def full_report(base: Graph, added: Graph, removed: Graph, shapes: Graph) -> ValidationReport:
    changed = Graph()
    changed += (t for t in base if t not in removed)
    changed += added
    return validate(changed, shapes)


def violations(report: ValidationReport) -> set[tuple]:
    """What a steward reads in a report: which node breaks which constraint, where, with which value (numbers
    by value: the store writes 35000000.0 as 35000000)."""
    return {
        (r.focus_node, r.source_shape, r.result_path, r.constraint, number_or_text(r.value))
        for r in report.results
        if r.severity == "Violation"
    }


def number_or_text(value: str | None):
    try:
        return Decimal(value)
    except (TypeError, ArithmeticError):
        return value


def store_holding(graph: Graph) -> EmbeddedStore:
    store = EmbeddedStore()
    store.replace_graphs({f"{BASE}/id/dataset/test": graph.serialize(format="nt", encoding="utf-8")})
    return store


def test_base_world_conforms(base, shapes):
    assert validate(base, shapes).conforms


CASE_NAMES = sorted(p.stem for p in CASES.glob("*.ttl") if p.stem != "base")


@pytest.fixture(scope="module")
def base_store(base) -> EmbeddedStore:
    return store_holding(base)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_incremental_agrees_on_every_shape_case(name, base, base_store, shapes):
    """Same verdict, whether the state is read from a graph or from the store, and only violations that full
    validation reports too. (Not always all of them: a duplicate call number is reported on the new call,
    while full validation also reports it on the call that already had the number.)"""
    added, removed = case_change(name, base)
    expected = full_report(base, added, removed, shapes)
    for state in (base, base_store):
        report = validate_change(added, removed, state, shapes)
        assert report.conforms == expected.conforms
        assert violations(report) <= violations(expected)


@st.composite
def mutations(draw, base: Graph) -> tuple[Graph, Graph]:
    """Remove a few base triples and add a few re-pointed copies: plausible edits, right and wrong."""
    triples = sorted(base, key=lambda t: tuple(map(str, t)))
    nodes = sorted({s for s, _, _ in triples if isinstance(s, URIRef)})
    literals = [
        Literal("2021-01-01", datatype=XSD.date),
        Literal("2020-01-01T00:00:00", datatype=XSD.dateTime),
        Literal("999999999", datatype=XSD.decimal),
        Literal("1", datatype=XSD.decimal),
        Literal("tekst", lang="nl"),
        Literal("12345"),
        Literal("0207451227"),
        Literal("0207451228"),
        Literal(3),
        Literal("USD"),
    ]
    removed, added = Graph(), Graph()
    for triple in draw(st.lists(st.sampled_from(triples), max_size=3, unique=True)):
        removed.add(triple)
    for s, p, o in draw(st.lists(st.sampled_from(triples), min_size=1, max_size=3, unique=True)):
        replacement = draw(st.sampled_from(nodes)) if isinstance(o, URIRef) else draw(st.sampled_from(literals))
        subject = draw(st.sampled_from([s, s, draw(st.sampled_from(nodes))]))
        if (subject, p, replacement) not in base:
            added.add((subject, p, replacement))
    return added, removed


def test_incremental_agrees_on_generated_mutations(base, base_store, shapes):
    @given(mutations(base))
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    def check(change):
        added, removed = change
        expected = full_report(base, added, removed, shapes)
        for state in (base, base_store):
            report = validate_change(added, removed, state, shapes)
            assert report.conforms == expected.conforms and violations(report) <= violations(expected), (
                f"added:\n{added.serialize(format='nt')}\nremoved:\n{removed.serialize(format='nt')}"
            )

    check()


def test_a_hub_link_that_a_shape_reads_forward_revalidates_its_subject(base, base_store, shapes):
    """Found by the generated mutations: a concept scheme's shape checks each skos:hasTopConcept (a hub
    link), so giving a scheme another scheme as top concept must re-validate the scheme itself."""
    scheme, other = URIRef(f"{BASE}/id/conceptscheme/thema"), URIRef(f"{BASE}/id/conceptscheme/bouwsteen")
    added = Graph()
    added.add((scheme, URIRef("http://www.w3.org/2004/02/skos/core#hasTopConcept"), other))
    for state in (base, base_store):
        report = validate_change(added, Graph(), state, shapes)
        assert not report.conforms
        assert {r.focus_node for r in report.results if r.severity == "Violation"} == {str(scheme)}


def test_no_shape_follows_a_hub_link_beyond_its_focus(shapes):
    """validate_change reads hub links (m8g:playsRole, ...) forward only out of focus nodes: a shape may
    use one as a direct property path; in SPARQL next to $this, or backwards (then it must be a link
    whose incoming side validate_change always reads)."""
    from rdflib.namespace import RDF, SH

    from gzg_graph.validation.shapes import HUB_PREDICATES, inverse_predicates

    read_backwards = inverse_predicates(shapes)

    in_lists = {o for _, p, o in shapes if p == RDF.first}
    assert not in_lists & HUB_PREDICATES, "a hub link inside a sequence path"
    for query in shapes.objects(None, SH.select):
        for hub in HUB_PREDICATES:
            local = str(hub).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            for line in str(query).splitlines():
                if f":{local} " in line or f"<{hub}>" in line:
                    assert "$this" in line or hub in read_backwards, (hub, line)


def test_every_predicate_a_sparql_query_reads_is_visible_to_deep_predicates(shapes):
    """deep_predicates reads the predicates of SPARQL queries off their text. That is safe only if each
    predicate a query reads is written out: an IRI, a prefixed name, or a variable bound to one of our own
    terms with IRI(CONCAT(..., "ns/gzg#...")). A query reading "any predicate" (?s ?p ?o) would need
    validate_change to treat every predicate as deep."""
    from rdflib.namespace import SH
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    from gzg_graph.validation.shapes import deep_predicates

    prefixes = {
        str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace)) for d in shapes.objects(None, SH.declare)
    }
    deep = deep_predicates(shapes)

    def walk(node, patterns: list, bindings: dict) -> None:
        if isinstance(node, CompValue):
            if node.name == "BGP":
                patterns.extend(node.triples)
            if node.name == "Extend":
                bindings[node.var] = str(node.expr)
            for value in node.values():
                walk(value, patterns, bindings)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value, patterns, bindings)

    def iris(path) -> list[URIRef]:
        """The IRIs in a property path (sequence, alternative, inverse, repetition)."""
        if isinstance(path, URIRef):
            return [path]
        parts = getattr(path, "args", None) or [getattr(path, "arg", None) or getattr(path, "path", None)]
        return [iri for part in parts for iri in iris(part)]

    checked = 0
    for text in shapes.objects(None, SH.select):
        query = prepareQuery(str(text), initNs=prefixes)
        patterns, bindings = [], {}
        walk(query.algebra, patterns, bindings)
        for _, predicate, _ in patterns:
            checked += 1
            if isinstance(predicate, Variable):
                assert "ns/gzg#" in bindings.get(predicate, ""), (predicate, str(text))
            else:
                assert all(iri in deep for iri in iris(predicate)), (predicate, str(text))
    assert checked > 50
