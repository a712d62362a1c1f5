"""Local governments (LBLOD bestuurseenheden), REFNIS codes and the Loket's GZG measure, as RDF.

A pure mapping of ``data/lblod/`` (read through :mod:`gzg_graph.sources.lblod`): no network, no ``../shared``.
LBLOD URIs are kept; we mint URIs only for what LBLOD does not publish in our files (identifier nodes, names
with their validity, periods), under the project's base (``docs/model.md``, "Local government").
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from ..namespaces import BESLUIT, M8G, REFNIS2019, REFNIS2025
from ..sources.lblod import (
    CHANGE_EVENTS,
    CLASSIFICATION_CODES,
    LOCAL_GOVERNMENTS,
    LOKET,
    NAME_HISTORY,
    REFNIS,
    LocalGovernment,
    Name,
    lblod_dir,
    read_local_governments,
    read_name_history,
    source_url,
)
from ..sources.rdf import parse_turtle
from ..uris import UriPolicy
from .identifiers import add_identifier


def _reference(uri: str) -> str:
    """A short, stable URI segment for a unit: LBLOD's UUID or hash, else a hash of its URI."""
    last = uri.rstrip("/").rsplit("/", 1)[-1]
    return last if re.fullmatch(r"[A-Za-z0-9-]{8,}", last) else hashlib.sha256(uri.encode()).hexdigest()[:32]


def _add_werkingsgebied(g: Graph, unit: URIRef, row: LocalGovernment) -> None:
    area = URIRef(row.werkingsgebied)
    g.add((unit, BESLUIT.werkingsgebied, area))
    g.add((area, RDF.type, PROV.Location))
    if row.werkingsgebied_label:
        g.add((area, RDFS.label, Literal(row.werkingsgebied_label)))
    if row.nis_2019:
        g.add((area, SKOS.exactMatch, REFNIS2019[row.nis_2019]))
    if row.nis_2025:
        g.add((area, SKOS.exactMatch, REFNIS2025[row.nis_2025]))


def _add_name(
    g: Graph, unit: URIRef, uris: UriPolicy, name: str, start: str, end: str, sources: tuple[str, ...]
) -> None:
    """A gzg:Benaming with its period of validity (open ends omitted; no period when both are open)."""
    key = f"{_reference(str(unit))}-{start or 'x'}"
    benaming = uris.id("benaming", key)
    g.add((unit, uris.ns.benaming, benaming))
    g.add((benaming, RDF.type, uris.ns.Benaming))
    g.add((benaming, SKOS.prefLabel, Literal(name, lang="nl")))
    for token in sources:
        g.add((benaming, DCTERMS.source, source_url(token)))
    if start or end:
        period = uris.id("periode", f"benaming-{key}")
        g.add((benaming, DCTERMS.temporal, period))
        g.add((period, RDF.type, M8G.PeriodOfTime))
        if start:
            g.add((period, M8G.startTime, Literal(start, datatype=XSD.date)))
        if end:
            g.add((period, M8G.endTime, Literal(end, datatype=XSD.date)))


def _add_unit(g: Graph, row: LocalGovernment, names: list[Name], uris: UriPolicy) -> None:
    unit = URIRef(row.uri)
    g.add((unit, RDF.type, BESLUIT.Bestuurseenheid))
    g.add((unit, RDF.type, ORG.Organization))
    g.add((unit, SKOS.prefLabel, Literal(row.name)))  # plain literal, as LBLOD publishes it
    if row.classification_uri:
        g.add((unit, BESLUIT.classificatie, URIRef(row.classification_uri)))
        g.add((unit, ORG.classification, URIRef(row.classification_uri)))
    if row.werkingsgebied:
        _add_werkingsgebied(g, unit, row)
    if row.kbo:
        add_identifier(g, uris, unit, "kbo", row.kbo)
    if row.ovo:
        add_identifier(g, uris, unit, "ovo", row.ovo)
    if row.province_uri:
        g.add((unit, ORG.subOrganizationOf, URIRef(row.province_uri)))
        g.add((URIRef(row.province_uri), ORG.hasSubOrganization, unit))
    for predecessor in row.derived_from:
        g.add((unit, PROV.wasDerivedFrom, URIRef(predecessor)))
    for token in row.source:
        g.add((unit, DCTERMS.source, source_url(token)))
    if names:
        for name in names:
            _add_name(g, unit, uris, name.name, name.valid_from, name.valid_until, name.source)
    else:
        _add_name(g, unit, uris, row.name, row.active_from, row.active_until, row.source)


def local_governments_graph(data_dir: Path, uris: UriPolicy) -> Graph:
    """The LBLOD graph: units, werkingsgebieden, identifiers, names, 2025 change events, classification codes."""
    folder = lblod_dir(data_dir)
    units = read_local_governments(folder / LOCAL_GOVERNMENTS)
    names = read_name_history(folder / NAME_HISTORY, {u.uri for u in units})
    graph = Graph()
    for row in units:
        _add_unit(graph, row, names.get(row.uri, []), uris)
    graph += parse_turtle(folder / CHANGE_EVENTS)
    graph += parse_turtle(folder / CLASSIFICATION_CODES)
    return graph


def refnis_graph(data_dir: Path) -> Graph:
    """REFNIS 2019 and 2025 codes of the Flemish municipalities, provinces and region (Statbel, via belgif)."""
    return parse_turtle(lblod_dir(data_dir) / REFNIS)


def loket_graph(data_dir: Path) -> Graph:
    """The Loket's GZG measure, its calls and themes, as the Digitaal Loket publishes them."""
    return parse_turtle(lblod_dir(data_dir) / LOKET)
