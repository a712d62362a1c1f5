"""What a resource page shows, built from the same description graph the RDF formats are serialised from.

:func:`resource_view` turns the description (``gzg_graph.publishing.describe``) into plain values for
``templates/resource.html``: names in the page's language, property names from the ontology and the official
vocabularies, amounts, periods and identifiers inline, a project's consortium and an organisation's
participations as tables, and the links into the resource grouped by property. Nothing here is HTML: the
template escapes every value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS, XSD
from rdflib.term import Node

from gzg_graph.namespaces import ADMS, GENERIEK, M8G, SCHEMA
from gzg_graph.publishing.labels import TermLabels, name_of
from gzg_graph.uris import UriPolicy

from . import formatting

#: Reused URIs whose publisher serves them: the page links to the original, with the publisher's name
#: (a key of texts/resources.yaml).
ORIGINALS = {
    "data.lblod.info": "resource_original_lblod",
    "lblod.data.gift": "resource_original_lblod",
    "lblod.data.info": "resource_original_loket",
    "data.vlaanderen.be": "resource_original_oslo",
}
#: Links shown in their own tables, not as property rows.
TABLED = {M8G.hasParticipation, M8G.playsRole}
MAX_DEPTH = 3


@dataclass
class Value:
    text: str
    href: str | None = None
    lang: str | None = None  # the language of a text not in the page's language (marked on the page)
    rows: list[Row] = field(default_factory=list)  # the parts of a node described inline


@dataclass
class Row:
    label: str
    term: str  # the prefixed name, for developers
    href: str
    values: list[Value]


@dataclass
class Member:
    """One participation: a consortium member on a project's page, a project on a participant's page."""

    who: Value
    role: str
    description: str | None


@dataclass
class Incoming:
    key: str  # the local name of the property, for the heading's text
    label: str
    items: list[Value]


@dataclass
class ResourceView:
    title: str
    uri: str
    types: list[Value]
    rows: list[Row]
    consortium: list[Member]
    participations: list[Member]
    incoming: list[Incoming]
    original: tuple[str, str] | None  # (text key, URL)


class Builder:
    """Reads one description graph for a page in one language."""

    def __init__(self, graph: Graph, uris: UriPolicy, labels: TermLabels, lang: str, yes_no: tuple[str, str]):
        self.graph, self.uris, self.labels, self.lang, self.yes_no = graph, uris, labels, lang, yes_no

    def qname(self, term: URIRef) -> str:
        return prefixed(self.graph, term)

    def term_href(self, term: URIRef) -> str:
        """Our terms link to their documentation (``/ns/gzg#Term``), others to their own IRI."""
        return str(term)[len(self.uris.base) :] if str(term).startswith(str(self.uris.ns)) else str(term)

    def term_label(self, term: URIRef) -> str:
        return self.labels.label(term, self.lang) or self.qname(term)

    def href(self, node: URIRef) -> str:
        """Our things by their document, things the graph describes by ``/resource``, others as they are."""
        doc = self.uris.doc_for(str(node))
        if doc:
            return doc[len(self.uris.base) :]
        if (node, None, None) in self.graph:  # the graph knows it (its name at least): it has a description
            return f"/resource?uri={quote(str(node), safe='')}"
        return str(node)

    def name(self, node: Node) -> str | None:
        return name_of(self.graph, node, self.lang)

    def link(self, node: URIRef) -> Value:
        return Value(self.name(node) or str(node), href=self.href(node))

    def text(self, node: Literal) -> Value:
        if node.datatype == XSD.anyURI:
            return Value(str(node), href=str(node))
        if node.language:
            return Value(str(node), lang=None if node.language == self.lang else node.language)
        if node.datatype:
            return Value(formatting.literal(node, self.lang, self.yes_no))
        return Value(str(node))

    def value(self, node: Node, depth: int) -> Value:
        if isinstance(node, Literal):
            return self.text(node)
        if self._inline(node) and depth < MAX_DEPTH:
            return self.inline(node, depth + 1)
        if isinstance(node, URIRef):
            return self.link(node)
        return Value(str(node))

    def _inline(self, node: Node) -> bool:
        """Nodes the resource owns (typed in its description: amounts, periods, ...) and blank nodes."""
        return isinstance(node, BNode) or (node, RDF.type, None) in self.graph

    def inline(self, node: Node, depth: int) -> Value:
        types = set(self.graph.objects(node, RDF.type))
        if SCHEMA.MonetaryAmount in types:
            currency = self.graph.value(node, SCHEMA.currency)
            shown = formatting.amount(
                self.graph.value(node, SCHEMA.value), None if currency is None else str(currency), self.lang
            )
            return Value(shown)
        if M8G.PeriodOfTime in types:
            return Value(self.period(node))
        if ADMS.Identifier in types:
            notation = self.graph.value(node, SKOS.notation)
            structured = self.graph.value(node, GENERIEK.gestructureerdeIdentificator)
            local = self.graph.value(structured, GENERIEK.lokaleIdentificator) if structured is not None else None
            return Value(" ".join(str(v) for v in (notation, local) if v is not None) or str(node))
        name = self.name(node)
        return Value(name or "", rows=self.rows(node, depth, skip={RDF.type}))

    def period(self, node: Node) -> str:
        start, end = (self.graph.value(node, p) for p in (M8G.startTime, M8G.endTime))
        shown = [self.text(v).text if isinstance(v, Literal) else "" for v in (start, end)]
        return (
            " – ".join(shown)
            if start is not None and end is not None
            else (shown[0] or shown[1]) + (" –" if start is not None else "")
        )

    def rows(self, node: Node, depth: int, skip: Iterable[URIRef] = ()) -> list[Row]:
        skipped = set(skip) | TABLED
        predicates = sorted({p for p in self.graph.predicates(node) if p not in skipped and isinstance(p, URIRef)})
        found = []
        for predicate in predicates:
            values = [self.value(o, depth) for o in self._ordered(self.graph.objects(node, predicate))]
            found.append(Row(self.term_label(predicate), self.qname(predicate), self.term_href(predicate), values))
        return sorted(found, key=lambda row: row.label.lower())

    def _ordered(self, objects: Iterable[Node]) -> list[Node]:
        """Texts in the page's language first, then the other language, then the rest; each by its text."""
        order = {self.lang: 0, None: 2}
        return sorted(objects, key=lambda o: (order.get(getattr(o, "language", None), 1), str(o)))

    def members(self, participations: Iterable[Node], who: str) -> list[Member]:
        """Participations as table rows; ``who`` is "participant" (a project's page) or "project"."""
        found = []
        for participation in participations:
            if who == "participant":
                others = list(self.graph.subjects(M8G.playsRole, participation))
            else:
                others = list(self.graph.subjects(M8G.hasParticipation, participation))
            role = self.graph.value(participation, M8G.role)
            description = self.graph.value(participation, DCTERMS.description)
            for other in others or [participation]:
                found.append(
                    Member(
                        self.link(other) if isinstance(other, URIRef) else Value(str(other)),
                        (self.name(role) or self.qname(role)) if isinstance(role, URIRef) else "",
                        str(description) if description is not None else None,
                    )
                )
        lead = str(self.uris.concept("consortiumrol", "penhouder"))
        lead_label = self.name(URIRef(lead)) if (URIRef(lead), None, None) in self.graph else None
        return sorted(found, key=lambda m: (m.role != lead_label, m.role.lower(), m.who.text.lower()))

    def incoming(self, subject: URIRef) -> list[Incoming]:
        groups: dict[URIRef, list[Value]] = {}
        for source, predicate in self.graph.subject_predicates(subject):
            if source == subject or predicate in TABLED or predicate == FOAF.primaryTopic:
                continue
            if isinstance(source, URIRef) and isinstance(predicate, URIRef):
                groups.setdefault(predicate, []).append(self.link(source))
        return [
            Incoming(
                str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1],
                self.term_label(p),
                sorted(v, key=lambda x: x.text.lower()),
            )
            for p, v in sorted(groups.items())
        ]


def prefixed(graph: Graph, term: URIRef) -> str:
    """``prefix:local`` with the graph's prefixes, else the IRI itself."""
    try:
        name = graph.namespace_manager.normalizeUri(term)
    except Exception:  # rdflib raises for IRIs it cannot split
        return str(term)
    return str(term) if name.startswith("<") else name


def original(uri: str) -> tuple[str, str] | None:
    """The publisher's own page for a reused URI (LBLOD, the Loket, OSLO code lists), with its text key."""
    host = urlsplit(uri).hostname or ""
    return (ORIGINALS[host], uri) if host in ORIGINALS else None


def resource_view(
    graph: Graph, uri: str, uris: UriPolicy, labels: TermLabels, lang: str, yes_no: tuple[str, str]
) -> ResourceView:
    """The page about ``uri`` from its description ``graph``, in ``lang``."""
    build = Builder(graph, uris, labels, lang, yes_no)
    subject = URIRef(uri)
    return ResourceView(
        title=build.name(subject) or uri,
        uri=uri,
        types=[
            Value(build.term_label(t), href=build.term_href(t))
            for t in sorted(t for t in graph.objects(subject, RDF.type) if isinstance(t, URIRef))
        ],
        rows=build.rows(subject, 0, skip={RDF.type}),
        consortium=build.members(graph.objects(subject, M8G.hasParticipation), "participant"),
        participations=build.members(graph.objects(subject, M8G.playsRole), "project"),
        incoming=build.incoming(subject),
        original=original(uri),
    )
