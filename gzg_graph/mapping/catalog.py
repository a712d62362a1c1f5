"""The metadata graph: a DCAT catalogue that describes each named graph (source, licence, retrieval).

Graph names are dataset URIs, so ``GRAPH ?g`` in a query can be joined with ``?g dct:license ?l``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, VOID, XSD

from ..errors import SourceError
from ..namespaces import bind_prefixes
from ..sources.datasets import DATASETS_FILE, read_datasets
from ..uris import UriPolicy


def metadata_graph(
    data_dir: Path, uris: UriPolicy, triple_counts: Mapping[str, int], built: datetime | None = None
) -> Graph:
    """DCAT description of the catalogue and of every graph in ``triple_counts`` (local name -> size)."""
    content = read_datasets(data_dir)
    built = built or datetime.now(UTC).replace(microsecond=0)
    g = bind_prefixes(Graph(), str(uris.ns))
    catalog = uris.id("catalog", "gzg")
    cat = content["catalog"]
    g.add((catalog, RDF.type, DCAT.Catalog))
    _add_langs(g, catalog, DCTERMS.title, cat["title"])
    _add_langs(g, catalog, DCTERMS.description, cat["description"])
    publisher = uris.id("organisatie", "gzg-graph")
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(cat["publisher"])))
    g.add((catalog, DCTERMS.modified, Literal(built.isoformat(), datatype=XSD.dateTime)))
    described = {entry["graph"]: entry for entry in content["datasets"]}
    service = _describe_service(g, uris, catalog)
    for name, count in sorted(triple_counts.items()):
        entry = described.get(name)
        if entry is None:
            raise SourceError(data_dir / DATASETS_FILE, f"graph {name!r} is built but not described")
        _describe_dataset(g, uris, catalog, entry, count, built)
        g.add((service, DCAT.servesDataset, uris.graph(entry["graph"])))
    return g


def _describe_service(g: Graph, uris: UriPolicy, catalog: URIRef) -> URIRef:
    """The SPARQL endpoint as a DCAT data service; its endpoint description is the SPARQL 1.1 Service
    Description it serves itself, and the catalogue points to the VoID statistics (``/.well-known/void``)."""
    endpoint = URIRef(f"{uris.base}/sparql")
    g.add((catalog, DCAT.service, endpoint))
    g.add((catalog, RDFS.seeAlso, URIRef(f"{uris.base}/.well-known/void")))
    g.add((endpoint, RDF.type, DCAT.DataService))
    g.add((endpoint, DCTERMS.title, Literal("SPARQL-endpoint van de GZG-graaf", lang="nl")))
    g.add((endpoint, DCTERMS.title, Literal("SPARQL endpoint of the GZG graph", lang="en")))
    g.add((endpoint, DCAT.endpointURL, endpoint))
    g.add((endpoint, DCAT.endpointDescription, endpoint))
    protocol = URIRef("https://www.w3.org/TR/sparql11-protocol/")
    g.add((endpoint, DCTERMS.conformsTo, protocol))
    g.add((protocol, RDF.type, DCTERMS.Standard))  # what DCAT-AP-VL's "conform aan protocol" expects
    g.add((protocol, DCTERMS.title, Literal("SPARQL 1.1 Protocol", lang="en")))
    return endpoint


def _describe_dataset(g: Graph, uris: UriPolicy, catalog: URIRef, entry: dict, count: int, built: datetime) -> None:
    ds = uris.graph(entry["graph"])
    g.add((catalog, DCAT.dataset, ds))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, RDF.type, VOID.Dataset))
    _add_langs(g, ds, DCTERMS.title, entry["title"])
    _add_langs(g, ds, DCTERMS.description, entry["description"])
    if entry.get("license"):
        g.add((ds, DCTERMS.license, URIRef(entry["license"])))
    if entry.get("rights"):  # where no licence is stated upstream, say so rather than guess one
        rights = uris.id("rechten", entry["graph"])
        g.add((ds, DCTERMS.rights, rights))
        g.add((rights, RDF.type, DCTERMS.RightsStatement))
        _add_langs(g, rights, RDFS.label, entry["rights"])
    for source in entry.get("sources") or []:
        g.add((ds, DCTERMS.source, URIRef(source)))
    if entry.get("retrieved"):
        g.add((ds, DCTERMS.issued, Literal(str(entry["retrieved"]), datatype=XSD.date)))
    g.add((ds, DCTERMS.modified, Literal(built.isoformat(), datatype=XSD.dateTime)))
    g.add((ds, PROV.generatedAtTime, Literal(built.isoformat(), datatype=XSD.dateTime)))
    g.add((ds, VOID.triples, Literal(count, datatype=XSD.integer)))
    g.add((ds, DCAT.landingPage, URIRef(uris.doc("dataset", entry["graph"]))))
    g.add((ds, VOID.sparqlEndpoint, URIRef(f"{uris.base}/sparql")))


def _add_langs(g: Graph, subject: URIRef, predicate: URIRef, texts: Mapping[str, str]) -> None:
    for lang, text in texts.items():
        g.add((subject, predicate, Literal(text, lang=lang)))
