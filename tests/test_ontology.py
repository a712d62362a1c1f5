"""The gzg vocabulary (ontology/gzg.ttl): documented, bilingual, aligned, and consistent for an OWL reasoner."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

REPO = Path(__file__).resolve().parents[1]
ONTOLOGY = REPO / "ontology" / "gzg.ttl"
MODEL_DOC = REPO / "docs" / "model.md"
BASE = "http://127.0.0.1:8000/"
GZG = Namespace(BASE + "ns/gzg#")
ONTOLOGY_IRI = URIRef(BASE + "ns/gzg")

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)


@pytest.fixture(scope="module")
def onto() -> Graph:
    graph = Graph()
    graph.parse(ONTOLOGY, format="turtle", publicID=BASE)
    return graph


def gzg_terms(graph: Graph) -> set[URIRef]:
    """Every gzg: IRI the ontology declares (as a class or a property)."""
    return {
        s
        for t in TERM_TYPES
        for s in graph.subjects(RDF.type, t)
        if isinstance(s, URIRef) and str(s).startswith(str(GZG))
    }


def local(term: URIRef) -> str:
    return str(term)[len(str(GZG)) :]


# --------------------------------------------------------------------------------------------------------------
# Documentation and alignment
# --------------------------------------------------------------------------------------------------------------


def test_ontology_header(onto):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY_IRI, OWL.versionIRI) is not None
    for lang in ("nl", "en"):
        assert any(getattr(label, "language", None) == lang for label in onto.objects(ONTOLOGY_IRI, RDFS.label))


def test_the_vocabulary_is_not_empty(onto):
    terms = gzg_terms(onto)
    assert len(terms) >= 20
    # the four classes of the model
    for name in ("Bouwsteen", "Benaming", "Kerncijfers", "Ondersteuningssessie"):
        assert (GZG[name], RDF.type, OWL.Class) in onto


def test_every_gzg_iri_used_is_declared(onto):
    """No typo'd gzg: term anywhere in the file (subject, predicate or object)."""
    declared = gzg_terms(onto)
    used = {node for triple in onto for node in triple if isinstance(node, URIRef) and str(node).startswith(str(GZG))}
    assert used - declared == set()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_term_has_a_label_and_a_definition(onto, lang):
    missing = []
    for term in sorted(gzg_terms(onto)):
        labels = [o for o in onto.objects(term, RDFS.label) if isinstance(o, Literal) and o.language == lang]
        definitions = [
            o
            for p in (RDFS.comment, SKOS.definition)
            for o in onto.objects(term, p)
            if isinstance(o, Literal) and o.language == lang
        ]
        if len(labels) != 1 or not definitions or not all(str(d).strip() for d in definitions):
            missing.append(local(term))
    assert missing == [], f"terms without exactly one rdfs:label@{lang} and a definition@{lang}: {missing}"


def test_every_term_is_aligned_to_an_existing_vocabulary(onto):
    """rdfs:subClassOf / rdfs:subPropertyOf (or rdfs:seeAlso, as the file's design rules allow) to a non-gzg term."""
    unaligned = []
    for term in sorted(gzg_terms(onto)):
        targets = [o for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.seeAlso) for o in onto.objects(term, p)]
        if not any(isinstance(o, URIRef) and not str(o).startswith(str(GZG)) for o in targets):
            unaligned.append(local(term))
    assert unaligned == []


def test_every_term_is_defined_by_the_ontology(onto):
    assert [local(t) for t in sorted(gzg_terms(onto)) if onto.value(t, RDFS.isDefinedBy) != ONTOLOGY_IRI] == []


def test_properties_have_domain_and_range(onto):
    missing = []
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in onto.subjects(RDF.type, kind):
            if str(prop).startswith(str(GZG)) and (
                onto.value(prop, RDFS.domain) is None or onto.value(prop, RDFS.range) is None
            ):
                missing.append(local(prop))
    assert missing == []


def test_every_gzg_term_in_the_model_documentation_is_defined(onto):
    text = MODEL_DOC.read_text(encoding="utf-8")
    mentioned = set(re.findall(r"\bgzg:([A-Za-z][A-Za-z0-9_]*)", text))
    assert len(mentioned) >= 15, "docs/model.md should mention the gzg terms it uses"
    declared = {local(t) for t in gzg_terms(onto)}
    assert sorted(mentioned - declared) == []


def test_the_four_classes_are_pairwise_disjoint(onto):
    groups = [
        list(onto.items(onto.value(node, OWL.members))) for node in onto.subjects(RDF.type, OWL.AllDisjointClasses)
    ]
    wanted = {GZG.Bouwsteen, GZG.Benaming, GZG.Kerncijfers, GZG.Ondersteuningssessie}
    assert any(set(group) == wanted for group in groups)


# --------------------------------------------------------------------------------------------------------------
# OWL reasoning (HermiT, through owlready2)
# --------------------------------------------------------------------------------------------------------------

owlready2 = pytest.importorskip("owlready2")
needs_java = pytest.mark.skipif(
    shutil.which("java") is None and not Path(str(owlready2.JAVA_EXE)).exists(), reason="HermiT needs a Java runtime"
)


def reason(graph: Graph) -> None:
    """Load ``graph`` into a fresh owlready2 World and run HermiT; raises OwlReadyInconsistentOntologyError.

    The ontology uses xsd:date and xsd:duration ranges, which are standard XSD datatypes but not in the OWL 2
    datatype map, so HermiT runs with --ignoreUnsupportedDatatypes (owlready2's ignore_unsupported_datatypes).
    """
    world = owlready2.World()
    data = graph.serialize(format="nt", encoding="utf-8")
    world.get_ontology(str(ONTOLOGY_IRI)).load(fileobj=io.BytesIO(data), format="ntriples")
    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True)


@needs_java
def test_hermit_finds_the_ontology_consistent(onto):
    reason(onto)


#: Statements the ontology must reject: proof that the consistency check can fail.
_THING, _CALL, _SESSION = (
    URIRef(BASE + f"id/test/{n}") for n in ("both-a-name-and-a-building-block", "call", "session")
)
INCONSISTENT = {
    # the gzg classes are pairwise disjoint
    "an individual in two disjoint classes": [
        (_THING, RDF.type, OWL.NamedIndividual),
        (_THING, RDF.type, GZG.Bouwsteen),
        (_THING, RDF.type, GZG.Benaming),
    ],
    # disjointness also holds through the class hierarchy: gzg:kerncijfers' range is gzg:Kerncijfers
    "a key figure that is also a support session": [
        (_CALL, RDF.type, OWL.NamedIndividual),
        (_SESSION, RDF.type, OWL.NamedIndividual),
        (_SESSION, RDF.type, GZG.Ondersteuningssessie),
        (_CALL, GZG.kerncijfers, _SESSION),
    ],
}


@needs_java
@pytest.mark.parametrize("case", INCONSISTENT)
def test_hermit_rejects_an_inconsistent_statement(case, onto):
    broken = Graph()
    for triple in [*onto, *INCONSISTENT[case]]:
        broken.add(triple)
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        reason(broken)


def test_blank_nodes_only_for_owl_axioms(onto):
    """Terms are IRIs; blank nodes only appear in OWL constructs (the disjointness axiom and its list)."""
    for s in onto.subjects():
        if isinstance(s, BNode):
            types = set(onto.objects(s, RDF.type))
            assert types <= {OWL.AllDisjointClasses} or onto.value(s, RDF.first) is not None


# --------------------------------------------------------------------------------------------------------------
# The vocabulary against the data that uses it
# --------------------------------------------------------------------------------------------------------------


def test_every_gzg_term_the_graph_uses_is_defined(onto, real_graphs):
    graphs = real_graphs
    declared = gzg_terms(onto)
    used = {
        node
        for name, graph in graphs.items()
        if name != "ontology"
        for triple in graph
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(str(GZG))
    }
    assert sorted(local(t) for t in used - declared) == []


def test_hermit_needs_the_flag_for_xsd_date(onto):
    """Documents why reason() passes ignore_unsupported_datatypes: without it HermiT rejects xsd:date."""
    if shutil.which("java") is None:
        pytest.skip("HermiT needs a Java runtime")
    world = owlready2.World()
    world.get_ontology(str(ONTOLOGY_IRI)).load(
        fileobj=io.BytesIO(onto.serialize(format="nt", encoding="utf-8")), format="ntriples"
    )
    with pytest.raises(owlready2.OwlReadyJavaError, match="XMLSchema#date|XMLSchema#duration"):
        owlready2.sync_reasoner_hermit(world, debug=0)
