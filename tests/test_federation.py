"""Federation: the federated example queries join our projects with LBLOD's data over SERVICE, through /sparql.

A second Virtuoso plays LBLOD's endpoint, loaded (Graph Store Protocol, digest auth) with the LBLOD files of
../shared/lblod/ as LBLOD publishes them, one named graph per file; its anonymous /sparql is allow-listed. The
joined answers must equal the same join computed locally: the SERVICE pattern evaluated by pyoxigraph over the
same files (set semantics), its rows joined with our graph. Refused, unreachable and SILENT endpoints too.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import BASE, SHARED
from fastapi.testclient import TestClient
from gzg_api.app import create_app
from live_server import free_port
from rdflib import Graph
from virtuoso import VirtuosoServer, started

from gzg_graph.namespaces import PREFIXES
from gzg_graph.queries.examples import example, examples
from gzg_graph.store import EmbeddedStore, RdfFormat
from gzg_graph.store.federation import find_services, resolve_services, values_block

FEDERATED = [e.id for e in examples() if e.services]
JSON = {"accept": "application/sparql-results+json"}
LBLOD_GRAPHS = "http://lblod.test/graphs/"


def lblod_files() -> list[Path]:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the clone")
    return sorted((SHARED / "lblod").glob("*.ttl"))


@pytest.fixture(scope="module")
def lblod() -> VirtuosoServer:
    """A Virtuoso with LBLOD's files, each in its own named graph, as LBLOD's endpoint would serve them."""
    files = lblod_files()
    with started() as server:
        for path in files:
            server.put_graph(f"{LBLOD_GRAPHS}{path.stem}", path.read_bytes())
        yield server


@pytest.fixture(scope="module")
def lblod_local() -> ox.Store:
    """The same files in pyoxigraph, to compute the SERVICE patterns' answers locally."""
    local = ox.Store()
    for path in lblod_files():
        local.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"{LBLOD_GRAPHS}{path.stem}"))
    return local


#: Herne (merged into Pajottegem on 1 January 2025) as a partner of Burgerloket: the real graph has no participant
#: that LBLOD merged in 2025, so the merged-participants example would have nothing to join.
HERNE = "http://data.lblod.info/id/bestuurseenheden/3eb8c9fae32d02359dcd7b22e2a74e67a5b48388df31ad819c27c688fedd10b0"
EXTRA = f"""
<{BASE}/id/project/burgerloket> <http://data.europa.eu/m8g/hasParticipation> <{BASE}/id/participation/test-herne> .
<{BASE}/id/participation/test-herne> a <http://data.europa.eu/m8g/Participation> ;
    <http://data.europa.eu/m8g/role> <{BASE}/id/concept/consortiumrol/partner> .
<{HERNE}> <http://data.europa.eu/m8g/playsRole> <{BASE}/id/participation/test-herne> .
"""


@pytest.fixture(scope="module")
def store(built) -> EmbeddedStore:
    """The real graph, in memory, with Herne as one more partner of Burgerloket."""
    real = built[1]
    copy = EmbeddedStore(prefixes=PREFIXES)
    graphs = {g.name: real.export(RdfFormat.NTRIPLES, graph=g.name) for g in real.graphs()}
    extra = Graph().parse(data=EXTRA, format="turtle").serialize(format="nt", encoding="utf-8")
    graphs[f"{BASE}/id/dataset/gzg"] += extra
    copy.replace_graphs(graphs)
    return copy


@pytest.fixture(scope="module")
def client(built, store, lblod):
    allowed = dataclasses.replace(
        built[0], allowed_services=frozenset({lblod.public_url}), lblod_endpoint=lblod.public_url
    )
    return TestClient(create_app(allowed, store))


def rows(answer) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    return [{k: v["value"] for k, v in row.items()} for row in answer.json()["results"]["bindings"]]


def joined_locally(store, lblod_local: ox.Store, sparql: str) -> list[dict[str, str]]:
    """The example's answer with each SERVICE pattern evaluated by pyoxigraph over the LBLOD files."""
    calls, prologue = find_services(sparql)
    for call in reversed(calls):
        solutions = lblod_local.query(f"{prologue}\nSELECT * WHERE {{{call.pattern}}}", use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        sparql = sparql[: call.start] + values_block(solutions) + sparql[call.end :]
    return store.select(sparql)


@pytest.mark.parametrize("example_id", FEDERATED)
def test_the_federated_example_joins_like_a_local_join(client, store, lblod, lblod_local, example_id):
    sparql = example(example_id, BASE, lblod.public_url).sparql
    started_at = time.perf_counter()
    answer = rows(client.get("/sparql", params={"query": sparql}, headers=JSON))
    elapsed = time.perf_counter() - started_at
    expected = joined_locally(store, lblod_local, sparql)
    assert answer and answer == expected  # the same rows, in the query's order
    print(f"{example_id}: {len(answer)} rows in {elapsed * 1000:.0f} ms")


def test_the_penhouders_get_lblods_classification_and_area(client, lblod):
    sparql = example("lblod-penhouders", BASE, lblod.public_url).sparql
    answer = rows(client.get("/sparql", params={"query": sparql}, headers=JSON))
    projects = rows(client.get("/sparql", params={"query": PROJECTS}, headers=JSON))
    assert {r["project"] for r in answer} == {r["project"] for r in projects}  # OPTIONAL: every project
    mechelen = [r for r in answer if r["name"] == "Mechelen"]
    assert mechelen and {(r["classification"], r["area"]) for r in mechelen} == {("Gemeente", "Mechelen")}
    assert sum("classification" in r for r in answer) > len(answer) / 2


def test_merged_participants_name_their_successor(client, lblod):
    sparql = example("lblod-merged-participants", BASE, lblod.public_url).sparql
    answer = rows(client.get("/sparql", params={"query": sparql}, headers=JSON))
    assert [(r["projectTitle"], r["role"], r["name"], r["successorName"], r["keptUri"]) for r in answer] == [
        ("Burgerloket", "partner", "Herne", "Pajottegem", "false")
    ]


PROJECTS = (
    "SELECT DISTINCT ?project WHERE { ?project a <http://data.vlaanderen.be/ns/subsidie#SubsidiemaatregelConsumptie> }"
)


def test_a_service_not_allow_listed_is_a_400_naming_it(client):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    answer = client.get("/sparql", params={"query": query}, headers=JSON)
    assert answer.status_code == 400
    assert "SERVICE <http://127.0.0.1:1/sparql> is not an allowed endpoint" in answer.json()["detail"]


def test_the_federated_examples_are_refused_where_lblod_is_not_allowed(built):
    settings, store, _ = built
    plain = TestClient(create_app(settings, store))
    answer = plain.get("/sparql", params={"query": example("lblod-penhouders", BASE).sparql}, headers=JSON)
    assert answer.status_code == 400 and "centrale-vindplaats.lblod.info/sparql" in answer.json()["detail"]


@pytest.fixture(scope="module")
def down_endpoint() -> str:
    return f"http://127.0.0.1:{free_port()}/sparql"  # nothing listens there


@pytest.fixture(scope="module")
def client_with_a_down_endpoint(built, lblod, down_endpoint):
    settings, store, _ = built
    allowed = frozenset({lblod.public_url, down_endpoint, lblod.query_url})
    return TestClient(create_app(dataclasses.replace(settings, allowed_services=allowed), store))


def test_a_service_that_is_down_is_a_502_naming_it(client_with_a_down_endpoint, down_endpoint):
    query = f"SELECT * WHERE {{ SERVICE <{down_endpoint}> {{ ?s ?p ?o }} }}"
    answer = client_with_a_down_endpoint.get("/sparql", params={"query": query}, headers=JSON)
    assert answer.status_code == 502
    assert answer.json()["detail"].startswith(f"SERVICE <{down_endpoint}> could not be reached")


def test_service_silent_on_a_down_endpoint_joins_nothing(client_with_a_down_endpoint, down_endpoint):
    query = (
        "SELECT ?project ?x WHERE { VALUES ?project { <http://example.org/p> } "
        f"OPTIONAL {{ SERVICE SILENT <{down_endpoint}> {{ ?project <http://example.org/q> ?x }} }} }}"
    )
    answer = rows(client_with_a_down_endpoint.get("/sparql", params={"query": query}, headers=JSON))
    assert answer == [{"project": "http://example.org/p"}]


def test_an_endpoint_that_refuses_is_a_400_and_a_cut_answer_is_refused(client_with_a_down_endpoint, lblod):
    needs_auth = f"SELECT * WHERE {{ SERVICE <{lblod.query_url}> {{ ?s ?p ?o }} }} LIMIT 1"
    answer = client_with_a_down_endpoint.get("/sparql", params={"query": needs_auth}, headers=JSON)
    assert answer.status_code == 400 and f"SERVICE <{lblod.query_url}> answered HTTP 401" in answer.text
    everything = f"SELECT (COUNT(*) AS ?n) WHERE {{ SERVICE <{lblod.public_url}> {{ ?s ?p ?o }} }}"
    answer = client_with_a_down_endpoint.get("/sparql", params={"query": everything}, headers=JSON)
    assert answer.status_code == 400 and "cut its answer at 10000 rows" in answer.json()["detail"]


def test_virtuoso_answers_typed_literals_and_bags_that_we_join_correctly(lblod):
    """Virtuoso's JSON says "typed-literal" and its default graph is a bag (a triple in three files is three
    rows); the rows arrive as RDF terms, and DISTINCT inside SERVICE gives the set."""
    pattern = (
        "?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?label ; "
        "<http://mu.semte.ch/vocabularies/core/uuid> ?uuid . FILTER (?label = 'Provincie')"
    )
    bag = resolve_services(f"SELECT * WHERE {{ SERVICE <{lblod.public_url}> {{ {pattern} }} }}", 30, 10**7)
    assert bag.count('"Provincie"') > 1
    single = f"SELECT * WHERE {{ SERVICE <{lblod.public_url}> {{ SELECT DISTINCT * WHERE {{ {pattern} }} }} }}"
    assert list(ox.Store().query(resolve_services(single, 30, 10**7)))[0]["label"] == ox.Literal("Provincie")
    typed = f"SELECT * WHERE {{ SERVICE <{lblod.public_url}> {{ BIND (42 AS ?n) }} }}"
    (solution,) = ox.Store().query(resolve_services(typed, 30, 10**7))
    assert solution["n"] == ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
