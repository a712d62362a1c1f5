"""Reading and checking our own human-edited sources in ``data/`` (see ``data/README.md``).

Data stewards edit these files by hand or in a spreadsheet, so every reader checks every field and reports
the first problem as a :class:`~gzg_graph.errors.SourceError` naming the file and the 1-based line: the
physical line of a CSV record, the line of the offending YAML node. The readers return the plain frozen
dataclasses of :mod:`.records`; turning them into RDF is :mod:`gzg_graph.mapping`'s job. The CSV files are
read here, the YAML files in :mod:`.programme`; :func:`read_sources` reads them all, each checked against
the ones it refers to.

Allowed values (roles, organisation kinds, project types, selection statuses, themes) are not hard-coded:
they are the concepts of ``concepts.ttl``, so adding a concept there is the one step needed to allow it.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SKOS

from ..errors import SourceError
from ..uris import UriPolicy
from .csv_files import CsvRow, read_csv
from .programme import read_calls, read_documents, read_programme
from .rdf import parse_turtle
from .records import (
    BUILDING_BLOCKS,
    CALLS,
    CONCEPTS,
    PARTICIPATIONS,
    PARTNERS,
    PROGRAMME,
    PROJECTS,
    BuildingBlock,
    Context,
    Participation,
    Partner,
    Project,
    Sources,
    Vocabulary,
    known,
    unique,
)
from .values import (
    DOCUMENTS,
    normalise,
    parse_date,
    parse_decimal,
    parse_int,
    parse_kbo,
    parse_ovo,
    parse_slug,
    parse_url,
)

#: Building-block kinds and the class each adds (docs/model.md, "Building block").
BUILDING_BLOCK_KINDS = ("dataservice", "dataset", "standard")
#: Concept schemes of concepts.ttl whose concept keys are values in the source files.
SCHEME_PROJECT_TYPE = "projecttype"
SCHEME_ROLE = "consortiumrol"
SCHEME_ORG_KIND = "organisatietype"
SCHEME_STATUS = "selectiestatus"
SCHEME_THEME = "thema"


def read_vocabulary(concepts: Graph, uris: UriPolicy, path: Path) -> Vocabulary:
    """The allowed values of the CSV/YAML files: the keys of the concepts in our schemes."""

    def keys(scheme: str) -> frozenset[str]:
        found = set()
        for concept in concepts.subjects(SKOS.inScheme, uris.concept_scheme(scheme)):
            key = str(concept).rsplit("/", 1)[-1]
            if uris.concept(scheme, key) == concept:
                found.add(key)
        if not found:
            raise SourceError(path, f"no concepts in scheme {uris.concept_scheme(scheme)}")
        return frozenset(found)

    themes: dict[str, str] = {}
    for theme in concepts.subjects(SKOS.inScheme, uris.concept_scheme(SCHEME_THEME)):
        themes[normalise(str(theme))] = str(theme)
        for label in concepts.objects(theme, SKOS.prefLabel | SKOS.altLabel):
            themes[normalise(str(label))] = str(theme)
    if not themes:
        raise SourceError(path, f"no concepts in scheme {uris.concept_scheme(SCHEME_THEME)}")
    return Vocabulary(keys(SCHEME_PROJECT_TYPE), keys(SCHEME_ROLE), keys(SCHEME_ORG_KIND), keys(SCHEME_STATUS), themes)


def read_partners(path: Path, ctx: Context | None = None) -> tuple[Partner, ...]:
    """partners.csv: organisations other than local governments (Flemish and federal bodies, VVSG, ...)."""
    columns = ("id", "name", "abbreviation", "alt_labels", "kind", "kbo", "ovo", "homepage", "source")
    kinds = ctx.vocabulary.org_kinds if ctx and ctx.vocabulary else None
    partners = []
    for row in read_csv(path, columns):
        kind = row.get("kind")
        if kind is not None:
            known(kind, kinds, "organisation kind", row.origin)
        alt = tuple(a.strip() for a in (row.get("alt_labels") or "").split("|") if a.strip())
        partners.append(
            Partner(
                id=row.parsed("id", parse_slug, required=True),
                name=row.required("name"),
                source=row.refs(ctx),
                abbreviation=row.get("abbreviation"),
                alt_labels=alt,
                kind=kind,
                kbo=row.parsed("kbo", parse_kbo),
                ovo=row.parsed("ovo", parse_ovo),
                homepage=row.parsed("homepage", parse_url),
                origin=row.origin,
            )
        )
    return unique(partners, lambda p: p.id, "partner id")


def read_building_blocks(path: Path, ctx: Context | None = None) -> tuple[BuildingBlock, ...]:
    """building-blocks.csv: the digital building blocks and standards (bouwstenen)."""
    columns = ("id", "title", "kind", "description", "landing_page", "publisher", "source")
    blocks = []
    for row in read_csv(path, columns):
        kind, publisher = row.get("kind"), row.get("publisher")
        if kind is not None:
            known(kind, BUILDING_BLOCK_KINDS, "building-block kind", row.origin)
        if publisher is not None:
            known(publisher, ctx.partners if ctx else None, "publisher (a partner id)", row.origin)
        blocks.append(
            BuildingBlock(
                id=row.parsed("id", parse_slug, required=True),
                title=row.required("title"),
                source=row.refs(ctx),
                kind=kind,
                description=row.get("description"),
                landing_page=row.parsed("landing_page", parse_url),
                publisher=publisher,
                origin=row.origin,
            )
        )
    return unique(blocks, lambda b: b.id, "building-block id")


PROJECT_COLUMNS = (
    "id",
    "title",
    "call",
    "theme",
    "description",
    "requested_amount",
    "estimated_cost",
    "granted_amount",
    "start_date",
    "end_date",
    "building_blocks",
    "status",
    "municipalities_using_result",
    "source",
)
PARTICIPATION_COLUMNS = ("project", "organisation", "role", "description", "source")


def read_projects(path: Path, ctx: Context | None = None) -> tuple[Project, ...]:
    """projects.csv: one row per project (subsidised or only submitted)."""
    vocabulary = ctx.vocabulary if ctx else None
    projects = []
    for row in read_csv(path, PROJECT_COLUMNS):
        call = row.parsed("call", parse_int)
        if call is not None:
            known(call, ctx.calls if ctx else None, "call number", row.origin)
        theme = _theme(row, vocabulary)
        blocks = tuple((row.get("building_blocks") or "").split())
        for block in blocks:
            known(block, ctx.building_blocks if ctx else None, "building block", row.origin)
        status = row.get("status")
        if status is not None:
            known(status, vocabulary.statuses if vocabulary else None, "status", row.origin)
        project = Project(
            id=row.parsed("id", parse_slug, required=True),
            title=row.required("title"),
            source=row.refs(ctx),
            call=call,
            theme=theme,
            description=row.get("description"),
            requested_amount=row.parsed("requested_amount", parse_decimal),
            estimated_cost=row.parsed("estimated_cost", parse_decimal),
            granted_amount=row.parsed("granted_amount", parse_decimal),
            start_date=row.parsed("start_date", parse_date),
            end_date=row.parsed("end_date", parse_date),
            building_blocks=blocks,
            status=status,
            municipalities_using_result=row.parsed("municipalities_using_result", parse_int),
            origin=row.origin,
        )
        if project.start_date and project.end_date and project.end_date < project.start_date:
            raise row.origin.error(f"end_date {project.end_date} is before start_date {project.start_date}")
        projects.append(project)
    return unique(projects, lambda p: p.id, "project id")


def read_participations(path: Path, ctx: Context | None = None) -> tuple[Participation, ...]:
    """participations.csv: who takes part in which project, in which role (organisation resolved later)."""
    roles = ctx.vocabulary.roles if ctx and ctx.vocabulary else None
    participations = []
    for row in read_csv(path, PARTICIPATION_COLUMNS):
        project, role = row.required("project"), row.required("role")
        known(project, ctx.projects if ctx else None, "project id", row.origin)
        known(role, roles, "role", row.origin)
        participations.append(
            Participation(
                project, row.required("organisation"), role, row.refs(ctx), row.get("description"), row.origin
            )
        )
    return tuple(participations)


def read_sources(data_dir: Path, uris: UriPolicy) -> Sources:
    """Read every own source file of ``data_dir``, each checked against the ones it refers to."""
    documents = read_documents(data_dir / DOCUMENTS)
    concepts = parse_turtle(data_dir / CONCEPTS, uris)
    vocabulary = read_vocabulary(concepts, uris, data_dir / CONCEPTS)
    ctx = Context(documents=frozenset(d.id for d in documents), vocabulary=vocabulary)
    calls = read_calls(data_dir / CALLS, ctx)
    ctx.calls = frozenset(c.number for c in calls)
    partners = read_partners(data_dir / PARTNERS, ctx)
    ctx.partners = frozenset(p.id for p in partners)
    building_blocks = read_building_blocks(data_dir / BUILDING_BLOCKS, ctx)
    ctx.building_blocks = frozenset(b.id for b in building_blocks)
    programme = read_programme(data_dir / PROGRAMME, ctx)
    projects = read_projects(data_dir / PROJECTS, ctx)
    ctx.projects = frozenset(p.id for p in projects)
    participations = read_participations(data_dir / PARTICIPATIONS, ctx)
    return Sources(
        documents, concepts, vocabulary, programme, calls, partners, building_blocks, projects, participations
    )


def _theme(row: CsvRow, vocabulary: Vocabulary | None) -> str | None:
    """A project's theme, written as a label (any language, any case) or a URI, as its concept URI."""
    value = row.get("theme")
    if value is None or vocabulary is None:
        return value
    theme = vocabulary.theme(value)
    if theme is None:
        labels = sorted(k for k in vocabulary.themes if not k.startswith("http"))
        raise row.origin.error(f"unknown theme {value!r} (known: {', '.join(labels)})")
    return theme
