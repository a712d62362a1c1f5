"""Every format of every resource round-trips to the triples the store holds for it.

Each resource minted under the base (every subject under ``{base}/id/`` in the gzg, metadata and ontology
graphs), every participating local government plus a fixed-seed sample of the other LBLOD units (through
``/resource?uri=``) and every subject of the Loket's graph (the measure, its calls, their steps and periods)
is fetched through the app in Turtle, N-Triples, RDF/XML and JSON-LD. Each answer is parsed by another
library than the one that wrote it (pyoxigraph; JSON-LD expanded by pyld with the offline loader, then to
RDF) and must be exactly the graph ``describe.document`` gives: isomorphic (blank nodes included), each
literal with its lexical form, datatype and language. The description itself must hold the store's triples
as the store spells them.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass

import pyoxigraph as ox
import pytest
from conftest import BASE
from fastapi.testclient import TestClient
from gzg_api.app import create_app
from pyld import jsonld as pyld
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import XSD

from gzg_graph.formats import RdfFormat
from gzg_graph.namespaces import BESLUIT, M8G
from gzg_graph.publishing import describe, jsonld
from gzg_graph.terms import to_oxigraph, to_rdflib
from gzg_graph.uris import GRAPH_GZG, GRAPH_LBLOD, GRAPH_LOKET, GRAPH_METADATA, GRAPH_ONTOLOGY, UriPolicy

FORMATS = {"ttl": RdfFormat.TURTLE, "nt": RdfFormat.NTRIPLES, "rdf": RdfFormat.RDFXML, "jsonld": RdfFormat.JSONLD}
#: LBLOD units that take part in no project, checked per run: a fixed sample keeps the module fast.
LBLOD_SAMPLE, SEED = 40, 20261129
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@dataclass(frozen=True)
class Resource:
    uri: str
    path: str  # what a client asks for, without the format
    params: dict[str, str]
    doc_url: str | None  # the /doc/ URL, whose metadata the document carries


@pytest.fixture(scope="module")
def uris(built) -> UriPolicy:
    return UriPolicy(built[0].base_uri)


@pytest.fixture(scope="module")
def client(built):
    settings, store, _ = built
    return TestClient(create_app(settings, store))


@pytest.fixture(scope="module")
def quads(store) -> list[ox.Quad]:
    return list(ox.parse(store.export(RdfFormat.NQUADS), format=ox.RdfFormat.N_QUADS))


@pytest.fixture(scope="module")
def resources(quads, uris) -> list[Resource]:
    by_graph: dict[str, set[str]] = {}
    typed: dict[str, set[str]] = {}
    for quad in quads:
        if isinstance(quad.subject, ox.NamedNode):
            by_graph.setdefault(quad.graph_name.value, set()).add(quad.subject.value)
            if quad.predicate == RDF_TYPE:
                typed.setdefault(quad.object.value, set()).add(quad.subject.value)
    minted = {
        s
        for name in (GRAPH_GZG, GRAPH_METADATA, GRAPH_ONTOLOGY)
        for s in by_graph[str(uris.graph(name))]
        if s.startswith(f"{uris.base}/id/")
    }
    participants = {q.subject.value for q in quads if q.predicate.value == str(M8G.playsRole)}
    units = typed[str(BESLUIT.Bestuurseenheid)] & by_graph[str(uris.graph(GRAPH_LBLOD))]
    others = sorted(units - participants)
    sample = (participants & units) | set(random.Random(SEED).sample(others, LBLOD_SAMPLE))
    loket = by_graph[str(uris.graph(GRAPH_LOKET))] - minted
    found = [Resource(u, f"/doc/{u[len(uris.base) + 4 :]}", {}, uris.doc_for(u)) for u in sorted(minted)]
    found += [Resource(u, "/resource", {"uri": u}, None) for u in sorted(sample | loket)]
    return found


@pytest.fixture(scope="module")
def held(store, uris, resources) -> dict[str, Graph]:
    """What the store holds for each resource, as the description (and the document's own metadata)."""
    return {r.uri: describe.document(store, r.uri, uris, r.doc_url) for r in resources}


def test_the_resources_are_every_kind(resources, uris):
    """The walk covers what it says: minted resources of each type of URI, LBLOD units and the Loket's."""
    kinds = {r.uri[len(uris.base) + 4 :].split("/")[0] for r in resources if r.doc_url}
    assert {"project", "deelname", "bedrag", "organisatie", "bouwsteen", "dataset", "concept", "catalog"} <= kinds
    assert sum(r.path == "/resource" for r in resources) > LBLOD_SAMPLE
    assert any("subsidy-measure-offer-series" in r.uri for r in resources)


def test_each_description_holds_the_stores_triples_as_the_store_spells_them(quads, held, resources):
    """Nothing invented, no literal respelt (a dateTime's 'Z' stays 'Z', a decimal '2000000' stays so)."""
    stored = {(q.subject, q.predicate, q.object) for q in quads}
    for resource in resources:
        graph = held[resource.uri]
        own = {t for t in graph if resource.doc_url is None or str(t[0]) != resource.doc_url}
        missing = [t for t in own if not any(isinstance(n, BNode) for n in t) and _ox(t) not in stored]
        assert not missing, (resource.uri, missing[:3])


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_parses_to_exactly_the_description(client, uris, resources, held, fmt):
    started, failures = time.perf_counter(), []
    for resource in resources:
        answer = client.get(resource.path, params={**resource.params, "format": fmt})
        assert answer.status_code == 200, (resource.uri, fmt, answer.status_code, answer.text[:200])
        served = _parse(answer.content, FORMATS[fmt], uris)
        if not isomorphic(served, held[resource.uri]):
            failures.append(_difference(resource.uri, served, held[resource.uri]))
    assert not failures, f"{len(failures)} of {len(resources)} {fmt} documents differ:\n" + "\n".join(failures[:5])
    print(f"{fmt}: {len(resources)} documents in {time.perf_counter() - started:.1f} s")


@pytest.mark.parametrize("fmt", FORMATS.values())
def test_literals_the_real_data_lacks_keep_their_spelling(fmt):
    """What rdflib's writers respell by value (a decimal without point, a double, a boolean '1', an integer
    '007', an ill-typed integer) comes back spelt as it was, with its datatype or language."""
    uris, graph = UriPolicy(BASE), Graph()
    subject = URIRef(f"{uris.base}/id/test/literals")
    spellings = [("2000000", XSD.decimal), ("-.5", XSD.decimal), ("1.5E2", XSD.double), ("1", XSD.boolean)]
    spellings += [("007", XSD.integer), ("abc", XSD.integer), ("2026-11-29T03:53:12Z", XSD.dateTime)]
    for index, (lexical, datatype) in enumerate(spellings):
        graph.add(
            (subject, URIRef(f"{uris.base}/ns/test#p{index}"), Literal(lexical, datatype=datatype, normalize=False))
        )
    label = Literal("Gemeente zonder Gemeentehuis", lang="nl-be")  # pyoxigraph reads tags in lower case
    graph.add((subject, URIRef(f"{uris.base}/ns/test#label"), label))
    if fmt == RdfFormat.JSONLD:
        body = jsonld.serialise(jsonld.to_jsonld(graph, str(subject), uris))
    else:
        body = describe.serialise(graph, fmt)
    assert isomorphic(_parse(body, fmt, uris), graph)


def _parse(body: bytes, fmt: RdfFormat, uris: UriPolicy) -> Graph:
    """The answer read by pyoxigraph (JSON-LD: expanded by pyld, offline, then to N-Quads), as rdflib terms."""
    if fmt == RdfFormat.JSONLD:
        options = {"documentLoader": jsonld.document_loader(uris)}
        expanded = pyld.expand(json.loads(body), options)
        body = pyld.to_rdf(expanded, {**options, "format": "application/n-quads"}).encode("utf-8")
        fmt = RdfFormat.NQUADS
    graph = Graph()
    for quad in ox.parse(body, format=fmt.oxigraph):
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def _ox(triple) -> tuple:
    return tuple(to_oxigraph(n) for n in triple)


def _difference(uri: str, served: Graph, held: Graph) -> str:
    _, only_served, only_held = graph_diff(to_isomorphic(served), to_isomorphic(held))
    return f"<{uri}>: served but not held {sorted(only_served)[:2]}; held but not served {sorted(only_held)[:2]}"
