"""Our own sources (``data/*.yaml``, ``*.csv``, ``concepts.ttl``) as RDF, following ``docs/model.md``.

Pure: the files are read through :mod:`gzg_graph.sources`, organisations are resolved through an
:class:`~gzg_graph.organisations.OrganisationIndex`, and nothing touches the network or a store. Every node
gets a URI from the :class:`~gzg_graph.uris.UriPolicy` (no blank nodes), so each one can be dereferenced.

Words kept in Dutch are domain terms: *oproep* (a call), *penhouder* (the local government that submits the
application for a consortium), *bedrag* (amount), *deelname* (participation), *kerncijfers* (key figures).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, PROV, SKOS
from rdflib.term import Node

from ..errors import AmbiguousOrganisation, SourceError, UnknownOrganisation
from ..namespaces import CPSV, LBLOD_SUBSIDIE, M8G, MOBILITEIT, REGORG, SCHEMA, SUBSIDIE, TRANSACTIE, bind_prefixes
from ..sources import (
    SCHEME_ORG_KIND,
    SCHEME_PROJECT_TYPE,
    SCHEME_ROLE,
    SCHEME_STATUS,
    BuildingBlock,
    Call,
    Document,
    Participation,
    Partner,
    Project,
    Sources,
    read_sources,
)
from ..sources.records import Event, KeyFigures, Principle
from ..uris import UriPolicy
from .identifiers import add_identifier
from .organisations import Organisation, OrganisationIndex

#: Organisation kinds whose members are public bodies (m8g:PublicOrganisation).
PUBLIC_KINDS = frozenset({"vlaamse-overheid", "federale-overheid"})
#: Roles of the consortium proper: only local governments can hold them (the Loket's applicant and
#: collaborators are bestuurseenheden); everyone else is an ondersteunende-partner.
CONSORTIUM_ROLES = frozenset({"penhouder", "partner"})
BUILDING_BLOCK_CLASSES = {"dataservice": DCAT.DataService, "dataset": DCAT.Dataset, "standard": DCTERMS.Standard}
SCHEME_PRINCIPLE = "leidend-principe"
SCHEME_BUILDING_BLOCK = "bouwsteen"


def project_graph(
    project: Project,
    participations: Sequence[Participation],
    uris: UriPolicy,
    sources: Sources,
    organisations: OrganisationIndex,
) -> Graph:
    """One project and its consortium mapped exactly as the build maps a row of projects.csv and its rows of
    participations.csv (``sources`` gives the measure and the calls): what the stewards' API stores, so its
    projects go back to CSV unchanged."""
    graph = bind_prefixes(Graph(), str(uris.ns))
    _Mapper(graph, uris, sources, organisations).project(project, list(participations))
    return graph


def own_data_graph(data_dir: Path, uris: UriPolicy, organisations: OrganisationIndex) -> Graph:
    """The own-data graph (``{base}/id/dataset/gzg``) built from the files of ``data_dir``."""
    sources = read_sources(data_dir, uris)
    graph = bind_prefixes(Graph(), str(uris.ns))
    graph += sources.concepts
    _Mapper(graph, uris, sources, organisations).map_all()
    return graph


class _Mapper:
    """Adds the triples of each kind of record; one method per resource of docs/model.md."""

    def __init__(self, graph: Graph, uris: UriPolicy, sources: Sources, organisations: OrganisationIndex):
        self.g, self.uris, self.src, self.organisations = graph, uris, sources, organisations
        self.gzg = uris.ns
        self.measure = URIRef(sources.programme.measure)
        self.calls = {call.number: URIRef(call.uri) for call in sources.calls}

    def map_all(self) -> None:
        for document in self.src.documents:
            self.document(document)
        self.programme()
        for call in self.src.calls:
            self.call(call)
        for partner in self.src.partners:
            self.partner(partner)
        for block in self.src.building_blocks:
            self.building_block(block)
        participations = defaultdict(list)
        for participation in self.src.participations:
            participations[participation.project].append(participation)
        for project in self.src.projects:
            self.project(project, participations[project.id])

    # -- shared pieces ---------------------------------------------------------------------------------------

    def add(self, subject: URIRef, predicate: URIRef, value: Node | None) -> None:
        """Adds one triple, skipping unknown (None) values so callers need no if-chains."""
        if value is not None:
            self.g.add((subject, predicate, value))

    def texts(self, subject: URIRef, predicate: URIRef, texts: dict[str, str]) -> None:
        for lang, text in texts.items():
            self.g.add((subject, predicate, Literal(text, lang=lang)))

    def sources(self, subject: URIRef, refs: Iterable[str]) -> None:
        """dct:source: a URL as itself, a document id as its {base}/id/document/{id}."""
        for ref in refs:
            is_url = ref.startswith(("http://", "https://"))
            self.g.add((subject, DCTERMS.source, URIRef(ref) if is_url else self.uris.id("document", ref)))

    def amount(self, reference: str, value: Decimal | None) -> URIRef | None:
        """A schema:MonetaryAmount in euro with its own URI ({base}/id/bedrag/{reference})."""
        if value is None:
            return None
        node = self.uris.id("bedrag", reference)
        self.g.add((node, RDF.type, SCHEMA.MonetaryAmount))
        self.g.add((node, SCHEMA.value, Literal(value, datatype=XSD.decimal)))
        self.g.add((node, SCHEMA.currency, Literal("EUR")))
        return node

    @staticmethod
    def integer(value: int | None) -> Literal | None:
        return None if value is None else Literal(value, datatype=XSD.integer)

    @staticmethod
    def day(value: date | None) -> Literal | None:
        return None if value is None else Literal(value, datatype=XSD.date)

    @staticmethod
    def decimal(value: Decimal | None) -> Literal | None:
        return None if value is None else Literal(value, datatype=XSD.decimal)

    @staticmethod
    def dutch(value: str | None) -> Literal | None:
        return None if value is None else Literal(value, lang="nl")

    @staticmethod
    def iri(value: str | None) -> URIRef | None:
        return None if value is None else URIRef(value)

    def concept(self, scheme: str, key: str | None) -> URIRef | None:
        return None if key is None else self.uris.concept(scheme, key)

    # -- resources -------------------------------------------------------------------------------------------

    def document(self, document: Document) -> None:
        node = self.uris.id("document", document.id)
        self.g.add((node, RDF.type, FOAF.Document))
        self.g.add((node, DCTERMS.title, Literal(document.title, lang="nl")))
        self.add(node, DCTERMS.issued, self.day(document.date))
        self.g.add((node, DCTERMS.description, Literal(document.note, lang="en")))

    def programme(self) -> None:
        p, m, gzg = self.src.programme, self.measure, self.gzg
        self.g.add((m, RDF.type, SUBSIDIE.SubsidiemaatregelAanbod))
        self.g.add((m, RDF.type, CPSV.PublicService))
        self.texts(m, SKOS.altLabel, p.title)  # the Loket's dct:title stays the one title
        self.texts(m, DCTERMS.description, p.description)
        self.g.add((m, M8G.hasCompetentAuthority, self.uris.id("organisatie", p.competent_authority)))
        self.add(m, gzg.budget, self.amount("gzg-budget", p.budget))
        self.add(m, gzg.goedkeuringsdatum, self.day(p.approval_date))
        self.add(m, gzg.subsidiepercentage, self.decimal(p.subsidy_rate))
        self.add(m, gzg.aantalGoedgekeurdeProjecten, self.integer(p.approved_projects))
        self.add(m, gzg.aantalBoostprojecten, self.integer(p.boost_projects))
        self.sources(m, p.source)
        for principle in p.principles:
            self.g.add((m, gzg.leidendPrincipe, self.principle(principle)))
        for criterion in p.criteria:
            node = self.uris.id("criterium", criterion.id)
            self.g.add((node, RDF.type, M8G.Criterion))
            self.texts(node, DCTERMS.title, criterion.title)
            self.sources(node, criterion.source)
            self.g.add((m, M8G.hasCriterion, node))
        for event in p.events:
            self.event(event)

    def principle(self, principle: Principle) -> URIRef:
        node = self.uris.concept(SCHEME_PRINCIPLE, principle.id)
        scheme = self.uris.concept_scheme(SCHEME_PRINCIPLE)
        self.g.add((node, RDF.type, SKOS.Concept))
        self.g.add((node, SKOS.inScheme, scheme))
        self.g.add((node, SKOS.topConceptOf, scheme))
        self.g.add((scheme, SKOS.hasTopConcept, node))
        self.texts(node, SKOS.prefLabel, principle.label)
        self.g.add((node, SKOS.notation, Literal(principle.number, datatype=XSD.integer)))
        self.sources(node, principle.source)
        return node

    def event(self, event: Event) -> None:
        node = self.uris.id("gebeurtenis", event.id)
        self.g.add((node, RDF.type, M8G.Event))
        if event.type == "ondersteuningssessie":
            self.g.add((node, RDF.type, self.gzg.Ondersteuningssessie))
        self.texts(node, DCTERMS.title, event.title)
        self.texts(node, DCTERMS.description, event.description)
        self.add(node, self.gzg.datum, self.day(event.date))
        self.add(node, DCTERMS.isPartOf, None if event.call is None else self.calls.get(event.call))
        self.sources(node, event.source)

    def call(self, call: Call) -> None:
        c, gzg = URIRef(call.uri), self.gzg
        self.g.add((c, RDF.type, LBLOD_SUBSIDIE.SubsidiemaatregelAanbodReeks))
        self.g.add((c, DCTERMS.title, Literal(f"Oproep {call.number}", lang="nl")))
        self.g.add((c, gzg.oproepnummer, Literal(call.number, datatype=XSD.integer)))
        self.g.add((c, gzg.projecttype, self.uris.concept(SCHEME_PROJECT_TYPE, call.project_type)))
        for theme in call.themes:
            self.g.add((c, DCTERMS.subject, URIRef(theme)))
        self.add(c, gzg.maximumbedragPerProject, self.amount(f"oproep-{call.number}-maximumbedrag", call.max_amount))
        self.add(
            c,
            gzg.maximaleLooptijd,
            None if call.max_duration is None else Literal(call.max_duration, datatype=XSD.duration),
        )
        self.add(c, gzg.uiterlijkeEinddatum, self.day(call.latest_end_date))
        self.add(c, gzg.aantalIngediendeAanvragen, self.integer(call.submitted_applications))
        self.add(c, gzg.aantalUniekeAanvragers, self.integer(call.unique_applicants))
        self.add(c, gzg.aantalGeselecteerdeProjecten, self.integer(call.selected_projects))
        self.g.add((c, MOBILITEIT.periode, URIRef(call.submission_period)))  # the Loket's period, by reference
        self.sources(c, call.source)
        if call.key_figures:
            self.key_figures(c, call.number, call.key_figures)

    def key_figures(self, call: URIRef, number: int, figures: KeyFigures) -> None:
        node, gzg = self.uris.id("kerncijfers", f"oproep-{number}"), self.gzg
        self.g.add((node, RDF.type, gzg.Kerncijfers))
        self.g.add((node, DCTERMS.title, Literal(f"Kerncijfers van oproep {number}", lang="nl")))
        self.add(node, gzg.aantalGesubsidieerdeProjecten, self.integer(figures.subsidised_projects))
        self.add(node, gzg.aantalUniekeInitiatiefnemers, self.integer(figures.unique_initiators))
        self.add(node, gzg.gemiddeldeConsortiumgrootte, self.decimal(figures.average_consortium_size))
        self.add(node, gzg.grootsteConsortium, self.integer(figures.largest_consortium))
        self.sources(node, figures.source)
        self.g.add((call, gzg.kerncijfers, node))

    def partner(self, partner: Partner) -> None:
        node = self.uris.id("organisatie", partner.id)
        self.g.add((node, RDF.type, ORG.Organization))
        if partner.kind in PUBLIC_KINDS:
            self.g.add((node, RDF.type, M8G.PublicOrganisation))
        if partner.kbo:
            self.g.add((node, RDF.type, REGORG.RegisteredOrganization))
        self.g.add((node, SKOS.prefLabel, Literal(partner.name)))
        for label in (partner.abbreviation, *partner.alt_labels):
            self.add(node, SKOS.altLabel, None if label is None else Literal(label))
        self.add(node, ORG.classification, self.concept(SCHEME_ORG_KIND, partner.kind))
        self.add(node, FOAF.homepage, self.iri(partner.homepage))
        add_identifier(self.g, self.uris, node, "kbo", partner.kbo)
        add_identifier(self.g, self.uris, node, "ovo", partner.ovo)
        self.sources(node, partner.source)

    def building_block(self, block: BuildingBlock) -> None:
        node = self.uris.id("bouwsteen", block.id)
        scheme = self.uris.concept_scheme(SCHEME_BUILDING_BLOCK)
        self.g.add((node, RDF.type, self.gzg.Bouwsteen))
        self.g.add((node, RDF.type, SKOS.Concept))
        self.add(node, RDF.type, None if block.kind is None else BUILDING_BLOCK_CLASSES.get(block.kind))
        self.g.add((node, SKOS.inScheme, scheme))
        self.g.add((node, DCTERMS.title, Literal(block.title, lang="nl")))
        self.g.add((node, SKOS.prefLabel, Literal(block.title, lang="nl")))
        self.add(node, DCTERMS.description, self.dutch(block.description))
        self.add(node, DCAT.landingPage, self.iri(block.landing_page))
        self.add(
            node, DCTERMS.publisher, None if block.publisher is None else self.uris.id("organisatie", block.publisher)
        )
        self.sources(node, block.source)

    def project(self, project: Project, participations: list[Participation]) -> None:
        node = self.uris.id("project", project.id)
        self.g.add((node, RDF.type, SUBSIDIE.SubsidiemaatregelConsumptie))
        self.g.add((node, TRANSACTIE.isInstantieVan, self.measure))
        self.add(node, self.gzg.oproep, None if project.call is None else self.calls.get(project.call))
        self.g.add((node, DCTERMS.title, Literal(project.title, lang="nl")))
        self.g.add((node, LBLOD_SUBSIDIE.projectName, Literal(project.title)))
        self.add(node, DCTERMS.description, self.dutch(project.description))
        if project.theme:
            self.g.add((node, DCTERMS.subject, URIRef(project.theme)))
            self.g.add((node, LBLOD_SUBSIDIE.projectType, URIRef(project.theme)))
        for block in project.building_blocks:
            self.g.add((node, self.gzg.gebruiktBouwsteen, self.uris.id("bouwsteen", block)))
        self.application(node, project)
        self.add(node, self.gzg.geraamdeKost, self.amount(f"{project.id}-geraamde-kost", project.estimated_cost))
        self.add(node, self.gzg.toegekendBedrag, self.amount(f"{project.id}-toegekend-bedrag", project.granted_amount))
        self.add(node, LBLOD_SUBSIDIE.projectStartDate, self.day(project.start_date))
        self.add(node, LBLOD_SUBSIDIE.projectEndDate, self.day(project.end_date))
        self.add(node, self.gzg.status, self.concept(SCHEME_STATUS, project.status))
        self.add(node, self.gzg.aantalGebruikendeGemeenten, self.integer(project.municipalities_using_result))
        self.sources(node, project.source)
        self.participations(node, project, participations)

    def application(self, node: URIRef, project: Project) -> None:
        """The subsidie:Aanvraag, only when there is something to say about it (the requested amount)."""
        requested = self.amount(f"{project.id}-aangevraagd-bedrag", project.requested_amount)
        if requested is None:
            return
        application = self.uris.id("aanvraag", project.id)
        self.g.add((node, PROV.wasGeneratedBy, application))
        self.g.add((application, RDF.type, SUBSIDIE.Aanvraag))
        self.g.add((application, SUBSIDIE.aangevraagdBedrag, requested))

    def participations(self, node: URIRef, project: Project, rows: list[Participation]) -> None:
        """The consortium: one m8g:Participation per organisation, checked for the rules a steward can break."""
        seen: dict[str, tuple[Organisation, Participation]] = {}  # by slug: one participation URI each
        for row in rows:
            organisation = self.resolve(row, project)
            if organisation.slug in seen:
                raise self.same_slug(project, organisation, row, *seen[organisation.slug])
            if row.role in CONSORTIUM_ROLES and not organisation.local_government:
                raise row.error(
                    f"role {row.role!r} is for local governments; {organisation.label} "
                    f"is a partner organisation: use 'ondersteunende-partner'"
                )
            if row.role == "penhouder" and any(r.role == "penhouder" for _, r in seen.values()):
                raise row.error(f"project {project.id!r} already has a penhouder; there is one per project")
            seen[organisation.slug] = organisation, row
            self.participation(node, project, row, organisation)

    def same_slug(
        self, project: Project, organisation: Organisation, row: Participation, first: Organisation, at: Participation
    ) -> SourceError:
        """Two rows of a project name one participant twice, or two participants whose URIs would be one."""
        if first.key == organisation.key:
            return row.error(f"{organisation.label} already takes part in project {project.id!r} (line {at.line})")
        return row.error(
            f"{organisation.label} <{organisation.uri(self.uris)}> and {first.label} <{first.uri(self.uris)}> "
            f"(line {at.line}) would both take part in project {project.id!r} as "
            f"<{self.uris.participation(project.id, organisation.slug)}>: check that both are meant"
        )

    def resolve(self, row: Participation, project: Project) -> Organisation:
        """The organisation of a row, as active on the project's start (else end) date; errors get the line."""
        try:
            return self.organisations.resolve(row.organisation, project.start_date or project.end_date)
        except (UnknownOrganisation, AmbiguousOrganisation) as e:
            raise row.error(str(e)) from None

    def participation(
        self, project_node: URIRef, project: Project, row: Participation, organisation: Organisation
    ) -> None:
        node = self.uris.participation(project.id, organisation.slug)
        organisation_node = organisation.uri(self.uris)
        self.g.add((node, RDF.type, M8G.Participation))
        self.g.add((node, M8G.role, self.uris.concept(SCHEME_ROLE, row.role)))
        self.add(node, DCTERMS.description, self.dutch(row.description))
        self.sources(node, row.source)
        self.g.add((project_node, M8G.hasParticipation, node))
        self.g.add((organisation_node, M8G.playsRole, node))
        if row.role == "partner":
            self.g.add((project_node, LBLOD_SUBSIDIE.collaborator, organisation_node))
