"""``/ns/gzg``: the ontology in every RDF format (exactly the store's ontology graph) and as documentation
generated from it (every class and property of ontology/gzg.ttl with its anchor, labels and alignments)."""

from __future__ import annotations

import json

import pytest
from conftest import BASE
from fastapi.testclient import TestClient
from gzg_api.app import create_app
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS

from gzg_graph.formats import RdfFormat
from gzg_graph.publishing.ontology_docs import ontology_doc
from gzg_graph.uris import GRAPH_ONTOLOGY, UriPolicy

NS = f"{BASE}/ns/gzg#"
#: The RDF documents /ns/gzg is offered as (each read back with rdflib by its plugin name, RdfFormat.rdflib).
DOCUMENT_TYPES = [f.value for f in (RdfFormat.TURTLE, RdfFormat.JSONLD, RdfFormat.NTRIPLES, RdfFormat.RDFXML)]


@pytest.fixture(scope="module")
def client(built):
    settings, store, _ = built
    return TestClient(create_app(settings, store))


@pytest.fixture(scope="module")
def ontology(store) -> Graph:
    """The ontology graph as the store holds it."""
    data = store.export(RdfFormat.NTRIPLES, str(UriPolicy(BASE).graph(GRAPH_ONTOLOGY)))
    return Graph().parse(data=data, format="nt")


@pytest.fixture(scope="module")
def page(client) -> str:
    response = client.get("/ns/gzg", headers={"accept": "text/html"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    return response.text


def our_terms(graph: Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {s for kind in kinds for s in graph.subjects(RDF.type, kind) if str(s).startswith(NS)}


@pytest.mark.parametrize("media_type", DOCUMENT_TYPES)
def test_every_format_is_the_ontology_graph(client, ontology, media_type):
    for response in (
        client.get("/ns/gzg", headers={"accept": media_type}),
        client.get("/ns/gzg", params={"format": RdfFormat(media_type).short_name}),
    ):
        assert response.status_code == 200 and response.headers["content-type"].startswith(media_type)
        assert isomorphic(Graph().parse(data=response.content, format=RdfFormat(media_type).rdflib), ontology)


def test_every_term_has_its_anchor_labels_and_definitions(page, ontology):
    terms = our_terms(ontology)
    assert len(terms) >= 30  # 4 classes and 27 properties today
    for term in terms:
        anchor = str(term)[len(NS) :]
        assert f'id="{anchor}"' in page, anchor
        section = page.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]
        for label in ontology.objects(term, RDFS.label):
            assert str(label).replace("'", "&#39;") in section, (anchor, label)
        for comment in ontology.objects(term, RDFS.comment):
            assert str(comment).replace("'", "&#39;") in section, (anchor, comment[:40])


def test_domains_ranges_and_alignments_are_linked(page):
    oproep = page.split('id="oproep"', 1)[1].split("</section>", 1)[0]
    assert 'href="http://purl.org/dc/terms/isPartOf"' in oproep  # rdfs:subPropertyOf, an alignment to DCMI
    assert 'href="http://data.vlaanderen.be/ns/subsidie#SubsidiemaatregelConsumptie"' in oproep  # domain
    kerncijfers = page.split('id="kerncijfers"', 1)[1].split("</section>", 1)[0]
    assert 'href="#Kerncijfers"' in kerncijfers  # a range among our own terms links to its anchor
    bouwsteen = page.split('id="Bouwsteen"', 1)[1].split("</section>", 1)[0]
    assert 'href="http://www.w3.org/ns/dcat#Resource"' in bouwsteen and 'href="#Benaming"' in bouwsteen  # disjoint
    toegekend = page.split('id="toegekendBedrag"', 1)[1].split("</section>", 1)[0]
    assert 'href="http://data.vlaanderen.be/ns/subsidie#toegekendBedrag"' in toegekend  # rdfs:seeAlso


def test_the_page_in_english_and_its_alternates(client):
    english = client.get("/ns/gzg", params={"lang": "en"}, headers={"accept": "text/html"}).text
    assert "<h1>GZG vocabulary</h1>" in english and "Building block" in english
    for media_type in DOCUMENT_TYPES:
        assert f'<link rel="alternate" type="{media_type}"' in english


def test_the_model_names_what_the_file_holds(ontology):
    doc = ontology_doc(ontology, NS)
    assert {t.iri for t in doc.terms} == our_terms(ontology)
    assert doc.title("nl") == "GZG-vocabularium" and doc.version == "0.1.0"
    assert [c.anchor for c in doc.classes] == ["Benaming", "Bouwsteen", "Kerncijfers", "Ondersteuningssessie"]


def test_other_vocabularies_are_not_found_and_the_context_still_is(client):
    assert client.get("/ns/other", headers={"accept": "text/turtle"}).status_code == 404
    assert client.get("/ns/gzg", params={"format": "csv"}).status_code == 400
    assert client.get("/ns/gzg", headers={"accept": "image/png"}).status_code == 406
    context = client.get("/ns/context.jsonld")
    assert context.status_code == 200 and "@context" in json.loads(context.text)
