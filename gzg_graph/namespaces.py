"""The vocabularies the graph uses, each written exactly as its publisher does.

Watch the http/https split (see ``docs/model.md``): OSLO moved some vocabularies to https, LBLOD
still uses the http forms, and both spellings are *different* namespaces.
"""

from typing import TypeVar

from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD, NamespaceManager

BESLUIT = Namespace("http://data.vlaanderen.be/ns/besluit#")
SUBSIDIE = Namespace("http://data.vlaanderen.be/ns/subsidie#")  # besluit-subsidie AP (http!)
TRANSACTIE = Namespace("http://data.vlaanderen.be/ns/transactie#")
MOBILITEIT = Namespace("https://data.vlaanderen.be/ns/mobiliteit#")
GENERIEK = Namespace("https://data.vlaanderen.be/ns/generiek#")
ORGANISATIE = Namespace("https://data.vlaanderen.be/ns/organisatie#")
LBLOD_SUBSIDIE = Namespace("http://lblod.data.gift/vocabularies/subsidie/")
LBLOD_ORG = Namespace("http://lblod.data.gift/vocabularies/organisatie/")
M8G = Namespace("http://data.europa.eu/m8g/")
CPSV = Namespace("http://purl.org/vocab/cpsv#")
REGORG = Namespace("http://www.w3.org/ns/regorg#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SCHEMA = Namespace("http://schema.org/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SH = Namespace("http://www.w3.org/ns/shacl#")
REFNIS2019 = Namespace("http://vocab.belgif.be/auth/refnis2019/")
REFNIS2025 = Namespace("http://vocab.belgif.be/auth/refnis2025/")
CLASSIFICATIE = Namespace("http://data.vlaanderen.be/id/concept/BestuurseenheidClassificatieCode/")

#: prefix -> namespace, for serialisers and for the PREFIX lines of queries.
PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "dcat": str(DCAT),
    "foaf": str(FOAF),
    "org": str(ORG),
    "prov": str(PROV),
    "besluit": str(BESLUIT),
    "subsidie": str(SUBSIDIE),
    "transactie": str(TRANSACTIE),
    "mobiliteit": str(MOBILITEIT),
    "generiek": str(GENERIEK),
    "organisatie": str(ORGANISATIE),
    "lblodSubsidie": str(LBLOD_SUBSIDIE),
    "lblodOrg": str(LBLOD_ORG),
    "m8g": str(M8G),
    "cpsv": str(CPSV),
    "regorg": str(REGORG),
    "adms": str(ADMS),
    "schema": str(SCHEMA),
    "vcard": str(VCARD),
    "sh": str(SH),
    "refnis2019": str(REFNIS2019),
    "refnis2025": str(REFNIS2025),
}


_G = TypeVar("_G", bound=Graph)


def bind_prefixes(graph: _G, gzg_namespace: str | None = None) -> _G:
    """Bind the project's prefixes, and only those, on an rdflib graph or dataset (readable Turtle/JSON-LD).

    rdflib binds ~46 prefixes of its own to every new graph (``brick``, ``sosa``, ``schema`` for
    ``https://schema.org/``, ...): binding ours next to them would rename our ``schema:`` (the data's
    ``http://schema.org/``) to ``schema1:``. So the graph gets a fresh namespace manager with only the core
    prefixes (rdf, rdfs, xsd, owl, xml), and ours replace any earlier binding of the same prefix.
    """
    graph.namespace_manager = NamespaceManager(graph, bind_namespaces="core")
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    if gzg_namespace:
        graph.bind("gzg", gzg_namespace, override=True, replace=True)
    return graph
