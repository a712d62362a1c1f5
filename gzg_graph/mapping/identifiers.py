"""Organisation identifiers (KBO and OVO numbers) as RDF, in the one pattern LBLOD and OSLO use.

``org adms:identifier id . id a adms:Identifier ; skos:notation "KBO nummer" ;
generiek:gestructureerdeIdentificator s . s generiek:lokaleIdentificator "0207451227"`` (the
Organisatieportaal's shape), with URIs minted from the scheme and the value as written (``kbo-0207451227``,
``ovo-OVO002079``), so a partner and an LBLOD unit with the same number share the same identifier nodes.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from ..namespaces import ADMS, GENERIEK
from ..uris import UriPolicy

#: scheme key -> the skos:notation LBLOD gives identifiers of that scheme.
NOTATIONS = {"kbo": "KBO nummer", "ovo": "OVO-nummer"}


def add_identifier(g: Graph, uris: UriPolicy, organisation: URIRef, scheme: str, value: str | None) -> None:
    """Add ``organisation``'s identifier ``value`` in ``scheme`` (``kbo`` or ``ovo``); nothing when None."""
    if value is None or value == "":
        return
    identifier = uris.id("identificator", f"{scheme}-{value}")
    structured = uris.id("gestructureerde-identificator", f"{scheme}-{value}")
    g.add((organisation, ADMS.identifier, identifier))
    g.add((identifier, RDF.type, ADMS.Identifier))
    g.add((identifier, SKOS.notation, Literal(NOTATIONS[scheme])))
    g.add((identifier, GENERIEK.gestructureerdeIdentificator, structured))
    g.add((structured, RDF.type, GENERIEK.GestructureerdeIdentificator))
    g.add((structured, GENERIEK.lokaleIdentificator, Literal(value)))
