"""The API's entry point (``/`` as JSON-LD): where a client starts following links, as Hydra Core defines it.

A ``hydra:EntryPoint`` that lists the collections (``hydra:collection``, each a ``hydra:Collection`` with its
title in Dutch and English), says how to get the document of any URI the graph knows (``hydra:search``: the
IRI template ``{base}/resource{?uri}``, for URIs minted elsewhere such as LBLOD's local governments and the
Loket's calls; URIs under ``{base}/id/`` dereference themselves), names the programme it is about
(``foaf:primaryTopic``, the subsidy measure) and points to the SPARQL endpoint, the DCAT catalogue, the VoID
description and the ontology (``void:sparqlEndpoint``, ``rdfs:seeAlso``).
"""

from __future__ import annotations

from typing import Any

from rdflib.namespace import FOAF, RDF, RDFS, VOID

from ..namespaces import SUBSIDIE
from ..store.base import Store
from ..uris import UriPolicy
from .collection_jsonld import HYDRA_TERMS
from .collection_specs import collections

ENTRY_TERMS: dict[str, Any] = {
    **HYDRA_TERMS,
    "EntryPoint": "hydra:EntryPoint",
    "collection": {"@id": "hydra:collection", "@container": "@set"},
    "title": {"@id": "hydra:title", "@container": "@language"},
    "primaryTopic": {"@id": str(FOAF.primaryTopic), "@type": "@id"},
    "sparqlEndpoint": {"@id": str(VOID.sparqlEndpoint), "@type": "@id"},
    "seeAlso": {"@id": str(RDFS.seeAlso), "@type": "@id", "@container": "@set"},
}


def entry_point(
    store: Store, uris: UriPolicy, titles: dict[str, dict[str, str]], see_also: list[str]
) -> dict[str, Any]:
    """The entry point; ``titles`` gives each collection's title by language (``{"calls": {"nl": ...}}``),
    ``see_also`` the paths of the documents that describe the service (catalogue, VoID, ontology)."""
    programmes = sorted(str(s) for s, _, _ in store.triples_to([SUBSIDIE.SubsidiemaatregelAanbod], [RDF.type]))
    document: dict[str, Any] = {
        "@context": [ENTRY_TERMS],
        "@id": f"{uris.base}/",
        "@type": "EntryPoint",
        "collection": [
            {"@id": f"{uris.base}/{name}", "@type": "Collection", "title": titles[name]}
            for name in collections(uris.base)
        ],
        "search": {
            "@type": "IriTemplate",
            "template": f"{uris.base}/resource{{?uri}}",
            "variableRepresentation": "BasicRepresentation",
            "mapping": [
                {"@type": "IriTemplateMapping", "variable": "uri", "property": str(RDF.subject), "required": True}
            ],
        },
        "sparqlEndpoint": f"{uris.base}/sparql",
        "seeAlso": [uris.base + path for path in see_also],
    }
    if programmes:
        document["primaryTopic"] = programmes[0] if len(programmes) == 1 else programmes
    return document
