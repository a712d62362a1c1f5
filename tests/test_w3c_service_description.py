"""The W3C SPARQL 1.1 Service Description tests, by the names in their manifest in ``../shared``.

The manifest names three checks without machine-readable expectations; each is implemented here as the
specification words it: a GET on the endpoint returns RDF, that RDF holds a matching ``sd:endpoint`` triple,
and it conforms to the vocabulary's schema (the domains and ranges of the terms we use).
"""

from __future__ import annotations

import pytest
from conftest import BASE, SHARED
from fastapi.testclient import TestClient
from gzg_api.app import create_app
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection

MANIFEST = SHARED / "w3c-sparql11-tests" / "service-description" / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
ENDPOINT = URIRef(f"{BASE}/sparql")
LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}


def _names() -> list[str]:
    if not MANIFEST.is_file():
        return []
    manifest = Graph().parse(MANIFEST, format="turtle")
    (root,) = manifest.subjects(RDF.type, MF.Manifest)
    return [str(manifest.value(entry, MF.name)) for entry in Collection(manifest, manifest.value(root, MF.entries))]


@pytest.fixture(scope="module")
def description(built) -> tuple[int, str, Graph]:
    client = TestClient(create_app(built[0], built[1]))
    answer = client.get("/sparql", headers={"accept": "text/turtle"})
    graph = Graph().parse(data=answer.text, format="turtle") if answer.status_code == 200 else Graph()
    return answer.status_code, answer.headers.get("content-type", ""), graph


@pytest.mark.parametrize("name", _names() or ["(no manifest)"])
def test_w3c_service_description_case(name, description, built):
    if name == "(no manifest)":
        pytest.skip("../shared/w3c-sparql11-tests is not beside the clone")
    status, media_type, graph = description
    if name == "GET on endpoint returns RDF":
        assert status == 200 and media_type.startswith("text/turtle") and len(graph) > 0
    elif name == "Service description contains a matching sd:endpoint triple":
        assert (None, SD.endpoint, ENDPOINT) in graph
    elif name == "Service description conforms to schema":
        (service,) = graph.subjects(RDF.type, SD.Service)
        assert set(graph.objects(service, SD.supportedLanguage)) <= LANGUAGES
        assert all(isinstance(f, URIRef) for f in graph.objects(service, SD.resultFormat))
        (dataset,) = graph.objects(service, SD.defaultDataset)
        assert (dataset, RDF.type, SD.Dataset) in graph
        named = {graph.value(n, SD.name) for n in graph.objects(dataset, SD.namedGraph)}
        assert named == {URIRef(g.name) for g in built[1].graphs()}
        for graph_node in graph.objects(None, SD.graph):
            assert (graph_node, RDF.type, SD.Graph) in graph and graph.value(graph_node, VOID.triples) is not None
    else:
        pytest.fail(f"a new case in the manifest: {name!r}")
