"""Result formats on /sparql and /graph-store: ``Accept`` (q-values, wildcards), the ``format`` override, and
N-Quads/TriG where graphs matter. Each answer is parsed back and compared with what the store holds."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import pytest
from conftest import BASE
from fastapi.testclient import TestClient
from gzg_api.app import create_app
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

CALLS = (
    "SELECT ?c WHERE { ?c a <http://lblod.data.gift/vocabularies/subsidie/SubsidiemaatregelAanbodReeks> } ORDER BY ?c"
)
PROJECT = f"{BASE}/id/project/burgerloket"
CONSTRUCT = f"CONSTRUCT {{ <{PROJECT}> ?p ?o }} WHERE {{ <{PROJECT}> ?p ?o }}"
GZG = f"{BASE}/id/dataset/gzg"


@pytest.fixture(scope="module")
def client(built):
    with TestClient(create_app(built[0], built[1])) as running:
        yield running


@pytest.mark.parametrize(
    ("accept", "format_name", "expected"),
    [
        ("text/csv", None, "text/csv"),
        ("text/csv;q=0.5, text/tab-separated-values", None, "text/tab-separated-values"),
        ("application/*", None, "application/sparql-results+json"),
        ("text/turtle", "csv", "text/csv"),  # format overrides Accept
        (None, "xml", "application/sparql-results+xml"),
        (None, "application/sparql-results+json", "application/sparql-results+json"),
    ],
)
def test_select_formats(client, accept, format_name, expected):
    params = {"query": CALLS, **({"format": format_name} if format_name else {})}
    answer = client.get("/sparql", params=params, headers={"accept": accept} if accept else {})
    assert answer.status_code == 200 and answer.headers["content-type"].split(";")[0] == expected
    if expected == "text/csv":
        rows = list(csv.DictReader(io.StringIO(answer.text)))
        assert len(rows) == 7 and all(r["c"].startswith("http") for r in rows)


@pytest.mark.parametrize("format_name", ["ttl", "nt", "nq", "trig", "jsonld", "rdf"])
def test_construct_formats(client, store, format_name):
    answer = client.post("/sparql", data={"query": CONSTRUCT, "format": format_name})
    assert answer.status_code == 200
    media_type = answer.headers["content-type"].split(";")[0]
    parsed = (
        Dataset().parse(data=answer.content, format=_RDFLIB[media_type])
        if format_name in ("nq", "trig")
        else Graph().parse(data=answer.content, format=_RDFLIB[media_type])
    )
    expected = Graph().parse(data=store.query(CONSTRUCT).body, format="turtle")
    assert isomorphic(Graph() + (parsed.default_graph if isinstance(parsed, Dataset) else parsed), expected)


def test_an_unknown_format_is_a_400_that_lists_the_known_ones(client):
    answer = client.get("/sparql", params={"query": CALLS, "format": "yaml"})
    assert answer.status_code == 400 and "csv" in answer.json()["detail"]


def test_a_named_graph_in_n_quads_keeps_its_name(client, store):
    answer = client.get(f"/graph-store?graph={quote(GZG, safe='')}", headers={"accept": "application/n-quads"})
    assert answer.status_code == 200
    dataset = Dataset().parse(data=answer.content, format="nquads")
    named = dataset.graph(URIRef(GZG))
    assert len(named) == next(g.triples for g in store.graphs() if g.name == GZG)
    assert json.dumps(sorted({str(c.identifier) for c in dataset.graphs() if len(c)})) == json.dumps([GZG])


_RDFLIB = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
