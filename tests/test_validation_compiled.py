"""Full validation through compiled SPARQL checks gives exactly plain pyshacl's report.

``validate`` finds the suspects of each shape with SPARQL (``validation/compiled.py``) and lets pyshacl
validate only those; ``validate_with_pyshacl`` validates every target. Their reports must be equal result
for result (focus node, path, value, shape, constraint, severity, nl/en messages) on the real graph, on
every hand-written shape case and on generated mutations of the small world of ``tests/shapes/base.ttl``
(the strategies of ``test_incremental.py``, plus literals that pyoxigraph stores in another form or
judges ill-typed). A compiled check that misses a violation makes one of these fail.
"""

from __future__ import annotations

import pytest
from conftest import BASE, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from test_incremental import CASE_NAMES, case_change, mutations, number_or_text

from gzg_graph.sources.rdf import parse_turtle
from gzg_graph.uris import UriPolicy
from gzg_graph.validation import ValidationReport, load_shapes, validate, validate_ntriples
from gzg_graph.validation.compiled import Compiler
from gzg_graph.validation.engine import focused_validator
from gzg_graph.validation.full import validate_with_pyshacl

URIS = UriPolicy(BASE)
CASES = REPO / "tests" / "shapes"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(REPO / "shapes", URIS)


@pytest.fixture(scope="module")
def base() -> Graph:
    return parse_turtle(CASES / "base.ttl", URIS)


def results(report: ValidationReport) -> set[tuple]:
    return {
        (
            r.focus_node,
            r.result_path,
            r.value,
            r.source_shape,
            r.constraint,
            r.severity,
            tuple(sorted(r.messages.items())),
        )
        for r in report.results
    }


def assert_same(data: Graph, shapes: Graph) -> None:
    compiled, reference = validate(data, shapes), validate_with_pyshacl(data, shapes)
    missed, extra = results(reference) - results(compiled), results(compiled) - results(reference)
    assert not missed and not extra, f"missed: {sorted(missed)}\nextra: {sorted(extra)}"
    assert compiled.conforms == reference.conforms
    for lang in ("nl", "en"):
        assert compiled.text(lang) == reference.text(lang)


def changed(base: Graph, added: Graph, removed: Graph) -> Graph:
    graph = Graph()
    graph += (t for t in base if t not in removed)
    graph += added
    return graph


def test_every_shape_of_ours_is_compiled(shapes):
    """No shape of ours falls back to validating all its targets in Python (that would be slow, not wrong)."""
    compiler = Compiler(shapes)
    for shape in focused_validator(shapes).targeted:
        compiled = compiler.compile(shape)
        assert compiled.targets is not None and not compiled.everything, shape
        assert compiled.checks, shape


@pytest.mark.parametrize("name", CASE_NAMES)
def test_same_report_on_every_shape_case(name, base, shapes):
    added, removed = case_change(name, base)
    assert_same(changed(base, added, removed), shapes)


ODD_LITERALS = [
    Literal("12.50", datatype=XSD.decimal),  # stored by pyoxigraph as "12.5"
    Literal("2022-01-15T10:00:00+00:00", datatype=XSD.dateTime),  # stored with "Z"
    Literal("0207451227", datatype=XSD.string),  # explicit xsd:string: a plain literal in pyoxigraph
    Literal("abc", datatype=XSD.date),  # ill-typed for both
    Literal("2022-01-15Z", datatype=XSD.date),  # a date with a time zone
    Literal("+5", datatype=XSD.integer),
    Literal("EUR", lang="NL"),
    Literal("1e3", datatype=XSD.decimal),  # ill-typed for pyoxigraph, a Decimal for rdflib
]


@st.composite
def odd_mutations(draw, base: Graph) -> tuple[Graph, Graph]:
    """Base literals replaced by literals that pyoxigraph holds or judges differently from rdflib."""
    triples = sorted((t for t in base if isinstance(t[2], Literal)), key=lambda t: tuple(map(str, t)))
    added, removed = Graph(), Graph()
    for s, p, o in draw(st.lists(st.sampled_from(triples), min_size=1, max_size=3, unique=True)):
        if draw(st.booleans()):
            removed.add((s, p, o))
        added.add((s, p, draw(st.sampled_from(ODD_LITERALS))))
    return added, removed


def test_same_report_on_generated_mutations(base, shapes):
    @given(st.one_of(mutations(base), odd_mutations(base)))
    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    def check(change):
        added, removed = change
        assert_same(changed(base, added, removed), shapes)

    check()


def test_a_shape_that_cannot_be_compiled_is_validated_on_all_its_targets(base, shapes):
    """sh:closed has no compiled check: every target of the shape is validated by pyshacl."""
    extra = Graph()
    extra.parse(
        data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix dct: <http://purl.org/dc/terms/> .
        <{BASE}/shapes/test#Closed> a sh:NodeShape ; sh:targetClass <http://schema.org/MonetaryAmount> ;
            sh:closed true ; sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ) .
        """,
        format="turtle",
    )
    combined = Graph()
    combined += shapes
    combined += extra
    assert Compiler(combined).compile(URIRef(f"{BASE}/shapes/test#Closed")).everything
    report = validate(base, combined)
    assert any(r.source_shape.endswith("test#Closed") for r in report.results)
    assert_same(base, combined)


@pytest.mark.slow
def test_same_report_on_the_real_graph(real_graph, shapes):
    assert_same(real_graph, load_shapes(REPO / "shapes", UriPolicy(BASE)))


def canonical(report: ValidationReport) -> set[tuple]:
    """Results with literal values by value: from N-Triples, pyoxigraph's canonical forms are reported."""
    return {(r.focus_node, r.result_path, by_value(r.value), r.source_shape, r.severity) for r in report.results}


def by_value(value: str | None):
    """Numbers by value, time zone +00:00 as Z."""
    return number_or_text(value.replace("+00:00", "Z") if value else value)


@pytest.mark.parametrize("name", CASE_NAMES[::3])  # a third of the cases: the reading differs, not the checks
def test_n_triples_validated_without_rdflib_give_the_same_report(name, base, shapes):
    """validate_ntriples (pyshacl over each suspect's neighbourhood) reports what validate reports."""
    data = changed(base, *case_change(name, base))
    expected, report = validate(data, shapes), validate_ntriples(data.serialize(format="nt", encoding="utf-8"), shapes)
    assert report.conforms == expected.conforms
    assert canonical(report) == canonical(expected)
