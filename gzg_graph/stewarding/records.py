"""A steward's RDF document read back into the records of ``projects.csv`` and ``participations.csv``.

The document may be Turtle or JSON-LD (with our context by URL, ``{base}/ns/context.jsonld``, or inline;
contexts are resolved offline, a remote one is refused). It is read by structure, not by URI: the project
is ``{base}/id/project/{id}``; its amounts, application and participations are whatever nodes it links to
(blank nodes or URIs). The records are then mapped by the build's own mapping (``writing``), and every
triple of the document must come out of that mapping again: what is stored can always be written back
to CSV.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pyld import jsonld  # type: ignore[import-untyped]
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, XSD
from rdflib.term import Node

from ..errors import SourceError
from ..formats import RdfFormat
from ..namespaces import LBLOD_SUBSIDIE, M8G, SCHEMA, SUBSIDIE
from ..publishing.jsonld import context_url, document_loader
from ..sources import SCHEME_ROLE, SCHEME_STATUS, Participation, Project
from ..sources.rdf import parse_rdf
from ..sources.user_input import check_document
from ..uris import UriPolicy
from .references import References

SOURCE = "request body"


def parse_document(data: bytes, fmt: RdfFormat, uris: UriPolicy, source: str = SOURCE) -> Graph:
    """A steward's document as a graph; SourceError (line and column where known) if it does not parse."""
    if fmt != RdfFormat.JSONLD:
        return parse_rdf(data, fmt, source, uris.parse_base, untrusted=True)
    check_document(data, fmt, source)  # JSON syntax errors with their line and column
    document = json.loads(data.decode("utf-8"))
    refused: list[str] = []
    offline = document_loader(uris)

    def load(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            return offline(url, options or {})
        except jsonld.JsonLdError:
            refused.append(url)
            raise

    try:
        nquads = jsonld.to_rdf(
            document, {"documentLoader": load, "format": "application/n-quads", "base": uris.parse_base}
        )
    except jsonld.JsonLdError as e:
        if refused:
            raise SourceError(
                source,
                f"the context <{refused[0]}> is not fetched (no request leaves this server): "
                f"use <{context_url(uris)}> or put the context inline",
            ) from None
        raise SourceError(source, f"invalid JSON-LD: {_reason(e)}") from None
    graph = parse_rdf(nquads.encode("utf-8"), RdfFormat.NQUADS, source) if nquads.strip() else Graph()
    if not len(graph):
        raise SourceError(source, "the JSON-LD document holds no triples (are its keys terms of the context?)")
    return graph


def _reason(error: Exception) -> str:
    details = getattr(error, "details", None) or {}
    cause = getattr(error, "cause", None)
    return " ".join(str(part) for part in (error, details.get("code", ""), cause or "") if part)[:300]


def described_projects(graph: Graph, uris: UriPolicy) -> list[URIRef]:
    """The projects a document describes: its subjects ``{base}/id/project/{id}``."""
    prefix = str(uris.id("project", ""))
    return sorted({s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(prefix)}, key=str)


@dataclass(frozen=True)
class Parts:
    """The nodes of a document that belong to one project: its amounts, application and participations."""

    project: URIRef
    amounts: dict[URIRef, Node]  # predicate of the project -> amount node
    application: Node | None
    requested: Node | None  # the application's amount
    participations: tuple[Node, ...]

    def nodes(self) -> set[Node]:
        found = {self.project, *self.amounts.values(), *self.participations}
        return found | {n for n in (self.application, self.requested) if n is not None}


#: The project's amounts, each a schema:MonetaryAmount of its own, with the CSV column it comes from.
AMOUNTS = {"geraamdeKost": "estimated_cost", "toegekendBedrag": "granted_amount"}


def parts(graph: Graph, project: URIRef, uris: UriPolicy) -> Parts:
    amounts = {uris.ns[name]: o for name in AMOUNTS if (o := _one(graph, project, uris.ns[name])) is not None}
    application = _one(graph, project, PROV.wasGeneratedBy)
    requested = _one(graph, application, SUBSIDIE.aangevraagdBedrag) if application is not None else None
    members = tuple(sorted(graph.objects(project, M8G.hasParticipation), key=str))
    return Parts(project, amounts, application, requested, members)


def project_records(
    graph: Graph, project: URIRef, uris: UriPolicy, refs: References
) -> tuple[Project, list[Participation]]:
    """The row of projects.csv and the rows of participations.csv that say what ``graph`` says of ``project``.

    Lenient: a value the CSV cannot hold is left out here and reported when the mapped records are compared
    with the document. SourceError only where no row can be written (no title, a participation without
    an organisation or a role)."""
    g, gzg, found = graph, uris.ns, parts(graph, project, uris)
    project_id = _project_id(project, uris)
    title = _text(g, project, DCTERMS.title) or _text(g, project, LBLOD_SUBSIDIE.projectName)
    if title is None:
        raise SourceError(str(project), "the project has no title (dct:title)")
    call = _one(g, project, gzg.oproep)
    theme = _one(g, project, DCTERMS.subject) or _one(g, project, LBLOD_SUBSIDIE.projectType)
    status = _key(_one(g, project, gzg.status), uris.concept(SCHEME_STATUS, ""))
    reach = _one(g, project, gzg.aantalGebruikendeGemeenten)
    record = Project(
        id=project_id,
        title=title,
        source=_sources(g, project, uris),
        call=refs.call_numbers.get(str(call)) if call is not None else None,
        theme=str(theme) if isinstance(theme, URIRef) else None,
        description=_text(g, project, DCTERMS.description),
        requested_amount=_amount(g, found.requested),
        estimated_cost=_amount(g, found.amounts.get(gzg.geraamdeKost)),
        granted_amount=_amount(g, found.amounts.get(gzg.toegekendBedrag)),
        start_date=_day(_one(g, project, LBLOD_SUBSIDIE.projectStartDate)),
        end_date=_day(_one(g, project, LBLOD_SUBSIDIE.projectEndDate)),
        building_blocks=tuple(
            k
            for b in sorted(g.objects(project, gzg.gebruiktBouwsteen), key=str)
            if (k := _key(b, uris.id("bouwsteen", "")))
        ),
        status=status,
        municipalities_using_result=int(reach)
        if isinstance(reach, Literal) and reach.datatype == XSD.integer
        else None,
    )
    return record, [_participation(g, node, project_id, uris) for node in found.participations]


def _participation(g: Graph, node: Node, project_id: str, uris: UriPolicy) -> Participation:
    organisations = sorted(g.subjects(M8G.playsRole, node), key=str)
    if len(organisations) != 1 or not isinstance(organisations[0], URIRef):
        raise SourceError(str(node), "a participation needs exactly one organisation (<organisation> m8g:playsRole it)")
    role = _key(_one(g, node, M8G.role), uris.concept(SCHEME_ROLE, ""))
    if role is None:
        raise SourceError(str(node), f"a participation needs a role of <{uris.concept_scheme(SCHEME_ROLE)}> (m8g:role)")
    return Participation(
        project_id,
        _organisation_reference(organisations[0], uris),
        role,
        _sources(g, node, uris),
        _text(g, node, DCTERMS.description),
    )


def _organisation_reference(organisation: URIRef, uris: UriPolicy) -> str:
    """What participations.csv writes for an organisation: a partner's id, else its (LBLOD) URI."""
    return _key(organisation, uris.id("organisatie", "")) or str(organisation)


def _project_id(project: URIRef, uris: UriPolicy) -> str:
    return str(project)[len(str(uris.id("project", ""))) :]


def _one(g: Graph, subject: Node, predicate: URIRef) -> Node | None:
    return min(g.objects(subject, predicate), key=str, default=None)


def _values(g: Graph, subject: Node, predicate: URIRef) -> Iterator[Node]:
    return iter(sorted(g.objects(subject, predicate), key=str))


def _text(g: Graph, subject: Node, predicate: URIRef) -> str | None:
    """A text in Dutch (or without language): what the CSV's text columns hold."""
    texts = [v for v in _values(g, subject, predicate) if isinstance(v, Literal) and v.language in ("nl", None)]
    return str(min(texts, key=lambda v: (v.language != "nl", str(v)))) if texts else None


def _key(node: Node | None, prefix: URIRef) -> str | None:
    """The last part of a URI minted under ``prefix`` (a concept's key, a building block's id)."""
    text = str(node) if isinstance(node, URIRef) else ""
    return text[len(prefix) :] if text.startswith(str(prefix)) and len(text) > len(prefix) else None


def _amount(g: Graph, node: Node | None) -> Decimal | None:
    value = _one(g, node, SCHEMA.value) if node is not None else None
    if not isinstance(value, Literal) or value.datatype != XSD.decimal:
        return None
    number = value.toPython()
    return Decimal(format(number, "f")) if isinstance(number, Decimal) else None


def _day(node: Node | None) -> date | None:
    value = node.toPython() if isinstance(node, Literal) and node.datatype == XSD.date else None
    return value if isinstance(value, date) else None


def _sources(g: Graph, subject: Node, uris: UriPolicy) -> tuple[str, ...]:
    """``dct:source``: a document of sources.yaml by its id, any other source by its URL."""
    return tuple(_key(s, uris.id("document", "")) or str(s) for s in _values(g, subject, DCTERMS.source))
