"""Reading and checking our own human-edited sources in ``data/`` (see ``data/README.md``).

Data stewards edit these files by hand or in a spreadsheet, so every reader checks every field and reports
the first problem as a :class:`~gzg_graph.errors.SourceError` naming the file and the 1-based line: the
physical line of a CSV record, the line of the offending YAML node. The readers return the plain frozen
dataclasses of :mod:`.records`; turning them into RDF is :mod:`gzg_graph.mapping`'s job.

Allowed values (roles, organisation kinds, project types, selection statuses, themes) are not hard-coded:
they are the concepts of ``concepts.ttl``, so adding a concept there is the one step needed to allow it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from rdflib import Graph
from rdflib.namespace import SKOS

from ..errors import SourceError
from ..uris import UriPolicy
from .csv_files import CsvRow, read_csv
from .rdf import parse_turtle
from .records import (
    BuildingBlock,
    Call,
    Context,
    Criterion,
    Document,
    Event,
    KeyFigures,
    Located,
    Origin,
    Participation,
    Partner,
    Principle,
    Programme,
    Project,
    Sources,
    Vocabulary,
)
from .values import (
    DOCUMENTS,
    normalise,
    parse_date,
    parse_decimal,
    parse_duration,
    parse_int,
    parse_kbo,
    parse_ovo,
    parse_slug,
    parse_url,
)
from .yaml_files import YamlNode, optional, read_yaml

_R = TypeVar("_R", bound=Located)

PROGRAMME = "programme.yaml"
CALLS = "calls.yaml"
CONCEPTS = "concepts.ttl"
PARTNERS = "partners.csv"
BUILDING_BLOCKS = "building-blocks.csv"
PROJECTS = "projects.csv"
PARTICIPATIONS = "participations.csv"

#: Building-block kinds and the class each adds (docs/model.md, "Building block").
BUILDING_BLOCK_KINDS = ("dataservice", "dataset", "standard")
#: Event types of programme.yaml: a support session (gzg:Ondersteuningssessie) or any other event.
EVENT_TYPES = ("ondersteuningssessie", "gebeurtenis")
#: Concept schemes of concepts.ttl whose concept keys are values in the source files.
SCHEME_PROJECT_TYPE = "projecttype"
SCHEME_ROLE = "consortiumrol"
SCHEME_ORG_KIND = "organisatietype"
SCHEME_STATUS = "selectiestatus"
SCHEME_THEME = "thema"


def _unique(records: Iterable[_R], key: Callable[[_R], Hashable], what: str) -> tuple[_R, ...]:
    """Ids must be unique: a second record with the same id is an error at its own line."""
    records = tuple(records)
    seen: dict[Hashable, Any] = {}
    for record in records:
        k = key(record)
        if k in seen:
            raise record.error(f"{what} {k!r} is already defined at line {seen[k].line}")
        seen[k] = record
    return tuple(records)


def _known(value: Any, allowed: Collection[Any] | None, what: str, origin_or_node: Origin | YamlNode) -> None:
    if allowed is not None and value not in allowed:
        raise origin_or_node.error(f"unknown {what} {value!r} (known: {', '.join(map(str, sorted(allowed)))})")


# ---------------------------------------------------------------------------------------------------------------
# Readers, one per file
# ---------------------------------------------------------------------------------------------------------------

def read_documents(path: Path) -> tuple[Document, ...]:
    """sources.yaml: the documents without URL; their files must exist next to it."""
    root = read_yaml(path).mapping(required={"documents"})
    documents = []
    for node in root["documents"].sequence():
        entries = node.mapping(required={"id", "title", "file", "note"}, optional={"date"})
        file_name = entries["file"].text()
        if not (path.parent / file_name).is_file():
            raise entries["file"].error(f"file {file_name!r} does not exist under {path.parent}")
        documents.append(Document(
            id=entries["id"].parsed(parse_slug), title=entries["title"].text(), file=file_name,
            note=entries["note"].text(), date=optional(entries, "date", parse_date),
            origin=Origin(path, node.line)))
    return _unique(documents, lambda d: d.id, "document id")


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
    return Vocabulary(keys(SCHEME_PROJECT_TYPE), keys(SCHEME_ROLE), keys(SCHEME_ORG_KIND), keys(SCHEME_STATUS),
                      themes)


def read_partners(path: Path, ctx: Context | None = None) -> tuple[Partner, ...]:
    """partners.csv: organisations other than local governments (Flemish and federal bodies, VVSG, ...)."""
    columns = ("id", "name", "abbreviation", "alt_labels", "kind", "kbo", "ovo", "homepage", "source")
    kinds = ctx.vocabulary.org_kinds if ctx and ctx.vocabulary else None
    partners = []
    for row in read_csv(path, columns):
        kind = row.get("kind")
        if kind is not None:
            _known(kind, kinds, "organisation kind", row.origin)
        alt = tuple(a.strip() for a in (row.get("alt_labels") or "").split("|") if a.strip())
        partners.append(Partner(
            id=row.parsed("id", parse_slug, required=True), name=row.required("name"), source=row.refs(ctx),
            abbreviation=row.get("abbreviation"), alt_labels=alt, kind=kind, kbo=row.parsed("kbo", parse_kbo),
            ovo=row.parsed("ovo", parse_ovo), homepage=row.parsed("homepage", parse_url), origin=row.origin))
    return _unique(partners, lambda p: p.id, "partner id")


def read_building_blocks(path: Path, ctx: Context | None = None) -> tuple[BuildingBlock, ...]:
    """building-blocks.csv: the digital building blocks and standards (bouwstenen)."""
    columns = ("id", "title", "kind", "description", "landing_page", "publisher", "source")
    blocks = []
    for row in read_csv(path, columns):
        kind, publisher = row.get("kind"), row.get("publisher")
        if kind is not None:
            _known(kind, BUILDING_BLOCK_KINDS, "building-block kind", row.origin)
        if publisher is not None:
            _known(publisher, ctx.partners if ctx else None, "publisher (a partner id)", row.origin)
        blocks.append(BuildingBlock(
            id=row.parsed("id", parse_slug, required=True), title=row.required("title"), source=row.refs(ctx),
            kind=kind, description=row.get("description"), landing_page=row.parsed("landing_page", parse_url),
            publisher=publisher, origin=row.origin))
    return _unique(blocks, lambda b: b.id, "building-block id")


def read_programme(path: Path, ctx: Context | None = None) -> Programme:
    """programme.yaml: the measure's own facts, its principles, criteria and events."""
    entries = read_yaml(path).mapping(
        required={"measure", "title", "description", "budget", "approval_date", "competent_authority", "source"},
        optional={"subsidy_rate", "approved_projects", "boost_projects", "principles", "criteria", "events"})
    authority = entries["competent_authority"].parsed(parse_slug)
    _known(authority, ctx.partners if ctx else None, "competent authority (a partner id)",
           entries["competent_authority"])
    rate = optional(entries, "subsidy_rate", parse_decimal)
    if rate is not None and rate > 100:
        raise entries["subsidy_rate"].error(f"subsidy_rate is a percentage (0-100), got {rate}")
    return Programme(
        measure=entries["measure"].parsed(parse_url), title=entries["title"].texts(),
        description=entries["description"].texts(), budget=entries["budget"].parsed(parse_decimal),
        approval_date=entries["approval_date"].parsed(parse_date), competent_authority=authority,
        source=entries["source"].refs(ctx), subsidy_rate=rate,
        approved_projects=optional(entries, "approved_projects", parse_int),
        boost_projects=optional(entries, "boost_projects", parse_int),
        principles=_principles(entries["principles"], ctx) if "principles" in entries else (),
        criteria=tuple(_criterion(n, ctx) for n in entries["criteria"].sequence()) if "criteria" in entries else (),
        events=_events(entries["events"], ctx) if "events" in entries else ())


def _principles(node: YamlNode, ctx: Context | None) -> tuple[Principle, ...]:
    """The guiding principles, numbered 1..n in order: the order is part of the published fact."""
    entries = node.mapping(required={"source", "items"})
    source = entries["source"].refs(ctx)
    principles = []
    for expected, item in enumerate(entries["items"].sequence(), start=1):
        fields = item.mapping(required={"number", "id", "nl"}, optional={"en"})
        number = fields["number"].parsed(parse_int)
        if number != expected:
            raise fields["number"].error(f"principle number {number} out of order: expected {expected}")
        label: dict[str, str] = {lang: fields[lang].text() for lang in ("nl", "en") if lang in fields}
        principles.append(Principle(number, fields["id"].parsed(parse_slug), label, source))
    ids = [p.id for p in principles]
    if len(set(ids)) != len(ids):
        raise entries["items"].error("principle ids must be unique")
    return tuple(principles)


def _criterion(node: YamlNode, ctx: Context | None) -> Criterion:
    fields = node.mapping(required={"id", "title", "source"})
    return Criterion(fields["id"].parsed(parse_slug), fields["title"].texts(), fields["source"].refs(ctx))


def _events(node: YamlNode, ctx: Context | None) -> tuple[Event, ...]:
    events = []
    for item in node.sequence():
        fields = item.mapping(required={"id", "type", "title", "source"}, optional={"call", "date", "description"})
        type_ = fields["type"].text()
        _known(type_, EVENT_TYPES, "event type", fields["type"])
        call = optional(fields, "call", parse_int)
        if call is not None:
            _known(call, ctx.calls if ctx else None, "call number", fields["call"])
        events.append(Event(
            id=fields["id"].parsed(parse_slug), type=type_, title=fields["title"].texts(),
            source=fields["source"].refs(ctx), description=fields["description"].texts() if "description" in fields
            else {}, date=optional(fields, "date", parse_date), call=call, origin=Origin(item.file, item.line)))
    return _unique(events, lambda e: e.id, "event id")


def read_calls(path: Path, ctx: Context | None = None) -> tuple[Call, ...]:
    """calls.yaml: the seven calls; ``themes`` at the top only holds YAML anchors for the theme URIs."""
    root = read_yaml(path).mapping(required={"calls"}, optional={"themes"})
    calls = tuple(_call(node, ctx) for node in root["calls"].sequence())
    _unique(calls, lambda c: c.uri, "call uri")
    return _unique(calls, lambda c: c.number, "call number")


def _call(node: YamlNode, ctx: Context | None) -> Call:
    fields = node.mapping(
        required={"number", "uri", "submission_period", "project_type", "themes", "max_amount", "source"},
        optional={"max_duration", "latest_end_date", "submitted_applications", "unique_applicants",
                  "selected_projects", "key_figures"})
    vocabulary = ctx.vocabulary if ctx else None
    project_type = fields["project_type"].parsed(parse_slug)
    _known(project_type, vocabulary.project_types if vocabulary else None, "project type", fields["project_type"])
    themes = tuple(item.parsed(parse_url) for item in fields["themes"].sequence())
    for theme, item in zip(themes, fields["themes"].sequence(), strict=True):
        if vocabulary and vocabulary.theme(theme) != theme:
            raise item.error(f"{theme} is not a theme concept of {CONCEPTS}")
    call = Call(
        number=fields["number"].parsed(parse_int), uri=fields["uri"].parsed(parse_url),
        submission_period=fields["submission_period"].parsed(parse_url), project_type=project_type,
        themes=themes, max_amount=fields["max_amount"].parsed(parse_decimal), source=fields["source"].refs(ctx),
        max_duration=optional(fields, "max_duration", parse_duration),
        latest_end_date=optional(fields, "latest_end_date", parse_date),
        submitted_applications=optional(fields, "submitted_applications", parse_int),
        unique_applicants=optional(fields, "unique_applicants", parse_int),
        selected_projects=optional(fields, "selected_projects", parse_int),
        key_figures=_key_figures(fields["key_figures"], ctx) if "key_figures" in fields else None,
        origin=Origin(node.file, node.line))
    figures = call.key_figures
    if figures and None not in (figures.subsidised_projects, call.selected_projects) \
            and figures.subsidised_projects != call.selected_projects:
        raise fields["key_figures"].mapping()["subsidised_projects"].error(
            f"key_figures.subsidised_projects ({figures.subsidised_projects}) differs from selected_projects "
            f"({call.selected_projects})")
    return call


def _key_figures(node: YamlNode, ctx: Context | None) -> KeyFigures:
    fields = node.mapping(required={"source"}, optional={"subsidised_projects", "unique_initiators",
                                                         "average_consortium_size", "largest_consortium"})
    return KeyFigures(
        source=fields["source"].refs(ctx),
        subsidised_projects=optional(fields, "subsidised_projects", parse_int),
        unique_initiators=optional(fields, "unique_initiators", parse_int),
        average_consortium_size=optional(fields, "average_consortium_size", parse_decimal),
        largest_consortium=optional(fields, "largest_consortium", parse_int))


PROJECT_COLUMNS = ("id", "title", "call", "theme", "description", "requested_amount", "estimated_cost",
                   "granted_amount", "start_date", "end_date", "building_blocks", "status",
                   "municipalities_using_result", "source")
PARTICIPATION_COLUMNS = ("project", "organisation", "role", "description", "source")


def read_projects(path: Path, ctx: Context | None = None) -> tuple[Project, ...]:
    """projects.csv: one row per project (subsidised or only submitted)."""
    vocabulary = ctx.vocabulary if ctx else None
    projects = []
    for row in read_csv(path, PROJECT_COLUMNS):
        call = row.parsed("call", parse_int)
        if call is not None:
            _known(call, ctx.calls if ctx else None, "call number", row.origin)
        theme = _theme(row, vocabulary)
        blocks = tuple((row.get("building_blocks") or "").split())
        for block in blocks:
            _known(block, ctx.building_blocks if ctx else None, "building block", row.origin)
        status = row.get("status")
        if status is not None:
            _known(status, vocabulary.statuses if vocabulary else None, "status", row.origin)
        project = Project(
            id=row.parsed("id", parse_slug, required=True), title=row.required("title"), source=row.refs(ctx),
            call=call, theme=theme, description=row.get("description"),
            requested_amount=row.parsed("requested_amount", parse_decimal),
            estimated_cost=row.parsed("estimated_cost", parse_decimal),
            granted_amount=row.parsed("granted_amount", parse_decimal),
            start_date=row.parsed("start_date", parse_date), end_date=row.parsed("end_date", parse_date),
            building_blocks=blocks, status=status,
            municipalities_using_result=row.parsed("municipalities_using_result", parse_int), origin=row.origin)
        if project.start_date and project.end_date and project.end_date < project.start_date:
            raise row.origin.error(f"end_date {project.end_date} is before start_date {project.start_date}")
        projects.append(project)
    return _unique(projects, lambda p: p.id, "project id")


def read_participations(path: Path, ctx: Context | None = None) -> tuple[Participation, ...]:
    """participations.csv: who takes part in which project, in which role (organisation resolved later)."""
    roles = ctx.vocabulary.roles if ctx and ctx.vocabulary else None
    participations = []
    for row in read_csv(path, PARTICIPATION_COLUMNS):
        project, role = row.required("project"), row.required("role")
        _known(project, ctx.projects if ctx else None, "project id", row.origin)
        _known(role, roles, "role", row.origin)
        participations.append(Participation(project, row.required("organisation"), role, row.refs(ctx),
                                            row.get("description"), row.origin))
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
    return Sources(documents, concepts, vocabulary, programme, calls, partners, building_blocks, projects,
                   participations)


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
