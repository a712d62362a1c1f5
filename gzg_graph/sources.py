"""Reading and checking the human-edited sources in ``data/`` (see ``data/README.md``).

Data stewards edit these files by hand or in a spreadsheet, so every reader checks every field and reports
the first problem as a :class:`~gzg_graph.errors.SourceError` naming the file and the 1-based line: the
physical line of a CSV record, the line of the offending YAML node. The readers return plain frozen
dataclasses; turning them into RDF is :mod:`gzg_graph.mapping`'s job.

Allowed values (roles, organisation kinds, project types, selection statuses, themes) are not hard-coded:
they are the concepts of ``concepts.ttl``, so adding a concept there is the one step needed to allow it.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from rdflib import Graph
from rdflib.namespace import SKOS

from . import turtle
from .errors import SourceError
from .uris import UriPolicy

PROGRAMME = "programme.yaml"
CALLS = "calls.yaml"
CONCEPTS = "concepts.ttl"
PARTNERS = "partners.csv"
BUILDING_BLOCKS = "building-blocks.csv"
PROJECTS = "projects.csv"
PARTICIPATIONS = "participations.csv"
DOCUMENTS = "sources.yaml"

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

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DECIMAL = re.compile(r"^\d+(?:\.\d+)?$")
_INTEGER = re.compile(r"^\d+$")
_DURATION = re.compile(r"^P(?=\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?$")
_KBO = re.compile(r"^\d?\d{3}[.\s]?\d{3}[.\s]?\d{3}$")  # 0/1: enterprises; 2-8: units such as districts
_OVO = re.compile(r"^OVO\d{6}$")


# ---------------------------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Origin:
    """Where a record (or field) was read, so later checks can still point at the right line."""

    file: Path
    line: int

    def error(self, message: str) -> SourceError:
        return SourceError(self.file, message, line=self.line)


@dataclass(frozen=True)
class Document:
    """A source without URL (a seed text in ``data/sources/``)."""

    id: str
    title: str
    file: str
    note: str
    date: date | None = None
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Principle:
    number: int
    id: str
    label: dict[str, str]
    source: tuple[str, ...]


@dataclass(frozen=True)
class Criterion:
    id: str
    title: dict[str, str]
    source: tuple[str, ...]


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    title: dict[str, str]
    source: tuple[str, ...]
    description: dict[str, str] = field(default_factory=dict)
    date: date | None = None
    call: int | None = None
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Programme:
    measure: str
    title: dict[str, str]
    description: dict[str, str]
    budget: Decimal
    approval_date: date
    competent_authority: str
    source: tuple[str, ...]
    principles: tuple[Principle, ...]
    criteria: tuple[Criterion, ...]
    events: tuple[Event, ...]
    subsidy_rate: Decimal | None = None
    approved_projects: int | None = None
    boost_projects: int | None = None


@dataclass(frozen=True)
class KeyFigures:
    """Published leverage figures of a call's subsidised projects (gzg:Kerncijfers)."""

    source: tuple[str, ...]
    subsidised_projects: int | None = None
    unique_initiators: int | None = None
    average_consortium_size: Decimal | None = None
    largest_consortium: int | None = None


@dataclass(frozen=True)
class Call:
    """An oproep: the Loket series plus the facts the Loket lacks."""

    number: int
    uri: str
    submission_period: str
    project_type: str
    themes: tuple[str, ...]
    max_amount: Decimal
    source: tuple[str, ...]
    max_duration: str | None = None
    latest_end_date: date | None = None
    submitted_applications: int | None = None
    unique_applicants: int | None = None
    selected_projects: int | None = None
    key_figures: KeyFigures | None = None
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Partner:
    id: str
    name: str
    source: tuple[str, ...]
    abbreviation: str | None = None
    alt_labels: tuple[str, ...] = ()
    kind: str | None = None
    kbo: str | None = None          # 10 digits, no dots
    ovo: str | None = None
    homepage: str | None = None
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class BuildingBlock:
    id: str
    title: str
    source: tuple[str, ...]
    kind: str | None = None
    description: str | None = None
    landing_page: str | None = None
    publisher: str | None = None    # a partner id
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Project:
    id: str
    title: str
    source: tuple[str, ...]
    call: int | None = None
    theme: str | None = None        # the theme concept URI
    description: str | None = None
    requested_amount: Decimal | None = None
    estimated_cost: Decimal | None = None
    granted_amount: Decimal | None = None
    start_date: date | None = None
    end_date: date | None = None
    building_blocks: tuple[str, ...] = ()
    status: str | None = None
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Participation:
    """One row of participations.csv; ``organisation`` is still the raw reference (see organisations.py)."""

    project: str
    organisation: str
    role: str
    source: tuple[str, ...]
    description: str | None = None
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Vocabulary:
    """The allowed values, taken from the concept schemes of concepts.ttl."""

    project_types: frozenset[str]
    roles: frozenset[str]
    org_kinds: frozenset[str]
    statuses: frozenset[str]
    themes: Mapping[str, str]       # normalised label or URI -> theme URI

    def theme(self, value: str) -> str | None:
        return self.themes.get(normalise(value))


@dataclass
class Context:
    """What a reader may check against: the ids defined by the files read before it.

    A reader given no context (or an empty set) skips that cross-file check, so each reader also works alone.
    """

    documents: frozenset[str] | None = None
    vocabulary: Vocabulary | None = None
    partners: frozenset[str] | None = None
    building_blocks: frozenset[str] | None = None
    calls: frozenset[int] | None = None
    projects: frozenset[str] | None = None


@dataclass(frozen=True)
class Sources:
    """Everything in ``data/`` that is ours, read and cross-checked."""

    documents: tuple[Document, ...]
    concepts: Graph
    vocabulary: Vocabulary
    programme: Programme
    calls: tuple[Call, ...]
    partners: tuple[Partner, ...]
    building_blocks: tuple[BuildingBlock, ...]
    projects: tuple[Project, ...]
    participations: tuple[Participation, ...]


# ---------------------------------------------------------------------------------------------------------------
# Value parsers: each raises ValueError with a message a data steward understands
# ---------------------------------------------------------------------------------------------------------------

def normalise(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a label, for matching what people type."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(ascii_text.casefold().split())


def parse_slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(f"{value!r} is not an id (lower-case letters and digits joined by '-')")
    return value


def parse_url(value: str) -> str:
    if not _URL.match(value):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


def parse_date(value: str) -> date:
    if not _DATE.match(value):
        raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an existing date") from None


def parse_decimal(value: str) -> Decimal:
    if not _DECIMAL.match(value):
        raise ValueError(f"{value!r} is not an amount: write digits with an optional '.' decimal point, "
                         "no thousands separators or currency (e.g. 150000 or 6.5)")
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes this
        raise ValueError(f"{value!r} is not a number") from None


def parse_int(value: str) -> int:
    if not _INTEGER.match(value):
        raise ValueError(f"{value!r} is not a whole number")
    return int(value)


def parse_duration(value: str) -> str:
    if not _DURATION.match(value):
        raise ValueError(f"{value!r} is not an ISO 8601 duration such as P1Y or P3Y")
    return value


def is_kbo(value: str) -> bool:
    """Whether a reference is written as a KBO number (9 or 10 digits, dots or spaces allowed)."""
    return bool(_KBO.match(value.strip()))


def parse_kbo(value: str) -> str:
    """A KBO (enterprise) number as its 10 digits: '0316.380.841' and '316380841' both give '0316380841'."""
    if not is_kbo(value):
        raise ValueError(f"{value!r} is not a KBO number (10 digits, e.g. 0316.380.841)")
    return re.sub(r"\D", "", value).zfill(10)


def parse_ovo(value: str) -> str:
    if not _OVO.match(value):
        raise ValueError(f"{value!r} is not an OVO number (OVO followed by 6 digits)")
    return value


def parse_refs(value: str | list[str]) -> tuple[str, ...]:
    """A `source` value: URLs and/or document ids, space-separated (or a list of them); at least one."""
    tokens = value.split() if isinstance(value, str) else [t for item in value for t in item.split()]
    if not tokens:
        raise ValueError("a source is required: one or more URLs or document ids of sources.yaml")
    for token in tokens:
        if not (_URL.match(token) or _SLUG.match(token)):
            raise ValueError(f"source {token!r} is neither an http(s) URL nor a document id")
    return tuple(tokens)


def check_refs(refs: tuple[str, ...], ctx: Context | None) -> None:
    """Every non-URL token of a source must be a document of sources.yaml."""
    if ctx is None or ctx.documents is None:
        return
    for token in refs:
        if not _URL.match(token) and token not in ctx.documents:
            known = ", ".join(sorted(ctx.documents)) or "none"
            raise ValueError(f"source {token!r} is not a document id of {DOCUMENTS} (known: {known})")


# ---------------------------------------------------------------------------------------------------------------
# YAML: nodes with their lines
# ---------------------------------------------------------------------------------------------------------------

class YamlNode:
    """A composed YAML node with typed accessors whose errors carry the node's own line.

    We compose (not load) so every value keeps its position, and we parse scalars ourselves so that
    '2021-13-01' is reported as a bad date at its line instead of failing inside the YAML library.
    """

    def __init__(self, node: yaml.Node, file: Path):
        self.node, self.file = node, file

    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1

    def error(self, message: str) -> SourceError:
        return SourceError(self.file, message, line=self.line)

    @property
    def is_null(self) -> bool:
        return isinstance(self.node, yaml.ScalarNode) and self.node.tag.endswith(":null")

    def mapping(self, required: set[str] = frozenset(), optional: set[str] = frozenset()) -> dict[str, YamlNode]:
        """The entries of a mapping; unknown keys (typos) and missing required keys are errors."""
        if not isinstance(self.node, yaml.MappingNode):
            raise self.error("expected a mapping of 'key: value' lines")
        entries: dict[str, YamlNode] = {}
        seen: set[str] = set()
        for key_node, value_node in self.node.value:
            key = YamlNode(key_node, self.file)
            name = key.text()
            if name in seen:
                raise key.error(f"key {name!r} appears twice")
            seen.add(name)
            if required | optional and name not in required | optional:
                raise key.error(f"unknown key {name!r} (allowed: {', '.join(sorted(required | optional))})")
            value = YamlNode(value_node, self.file)
            if not value.is_null:
                entries[name] = value
        missing = sorted(required - entries.keys())
        if missing:
            raise self.error(f"missing {', '.join(missing)}")
        return entries

    def sequence(self) -> list[YamlNode]:
        if not isinstance(self.node, yaml.SequenceNode):
            raise self.error("expected a list ('- ' items)")
        return [YamlNode(n, self.file) for n in self.node.value]

    def text(self) -> str:
        if not isinstance(self.node, yaml.ScalarNode) or not str(self.node.value).strip():
            raise self.error("expected a non-empty text value")
        return str(self.node.value).strip()

    def parsed(self, parser):
        """The scalar run through one of the ``parse_*`` functions, its ValueError turned into a SourceError."""
        try:
            return parser(self.text())
        except ValueError as e:
            raise self.error(str(e)) from None

    def texts(self) -> dict[str, str]:
        """Language-tagged text: ``{nl: ..., en: ...}``; a plain string counts as Dutch."""
        if isinstance(self.node, yaml.ScalarNode):
            return {"nl": self.text()}
        return {lang: value.text() for lang, value in self.mapping(optional={"nl", "en"}).items()}

    def refs(self, ctx: Context | None) -> tuple[str, ...]:
        try:
            if isinstance(self.node, yaml.SequenceNode):
                refs = parse_refs([item.text() for item in self.sequence()])
            else:
                refs = parse_refs(self.text())
            check_refs(refs, ctx)
        except ValueError as e:
            raise self.error(str(e)) from None
        return refs


def read_yaml(path: Path) -> YamlNode:
    """The root node of a YAML file; syntax errors become SourceErrors at the reported line."""
    try:
        with open(path, encoding="utf-8") as f:
            root = yaml.compose(f, Loader=yaml.SafeLoader)
    except FileNotFoundError:
        raise SourceError(path, "file not found") from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise SourceError(path, f"invalid YAML: {e.problem or e}", line=mark.line + 1 if mark else None) from None
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise SourceError(path, f"invalid YAML: {e}") from None
    if root is None:
        raise SourceError(path, "the file is empty", line=1)
    return YamlNode(root, path)


def _optional(entries: dict[str, YamlNode], key: str, parser):
    return entries[key].parsed(parser) if key in entries else None


# ---------------------------------------------------------------------------------------------------------------
# CSV: rows with their physical line numbers
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CsvRow:
    """One CSV record: blank cells are absent, every value is stripped."""

    values: dict[str, str]
    origin: Origin

    def get(self, column: str) -> str | None:
        return self.values.get(column) or None

    def required(self, column: str) -> str:
        value = self.get(column)
        if value is None:
            raise self.origin.error(f"column {column!r} is empty; it is required")
        return value

    def parsed(self, column: str, parser, required: bool = False):
        value = self.required(column) if required else self.get(column)
        if value is None:
            return None
        try:
            return parser(value)
        except ValueError as e:
            raise self.origin.error(f"column {column!r}: {e}") from None

    def refs(self, ctx: Context | None) -> tuple[str, ...]:
        try:
            refs = parse_refs(self.get("source") or "")
            check_refs(refs, ctx)
        except ValueError as e:
            raise self.origin.error(f"column 'source': {e}") from None
        return refs


def read_csv(path: Path, columns: tuple[str, ...], allow_extra: bool = False) -> Iterator[CsvRow]:
    """The records of a CSV file exported as 'CSV UTF-8' (a BOM and ';' separators are accepted).

    The header must hold ``columns`` (in any order) and, unless ``allow_extra``, nothing else: an unknown
    column is usually a typo. Blank lines are skipped; each row's origin is
    the physical line where the record starts, which differs from the record count once a quoted cell
    spans lines.
    """
    try:
        f = open(path, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise SourceError(path, "file not found") from None
    with f:
        try:
            first = f.readline()
            f.seek(0)
            delimiter = ";" if first.count(";") > first.count(",") else ","
            reader = csv.reader(f, delimiter=delimiter, strict=True)
            header = _check_header(path, next(reader, None), columns, allow_extra)
            start = reader.line_num + 1
            for cells in reader:
                origin = Origin(path, start)
                start = reader.line_num + 1
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != len(header):
                    raise origin.error(f"{len(cells)} cells but the header has {len(header)} columns "
                                       f"(a cell with a separator must be quoted)")
                yield CsvRow({name: cell.strip() for name, cell in zip(header, cells)}, origin)
        except csv.Error as e:
            raise SourceError(path, f"invalid CSV: {e}", line=reader.line_num or None) from None
        except UnicodeDecodeError:
            raise SourceError(path, "not UTF-8: export the sheet as 'CSV UTF-8'") from None


def _check_header(path: Path, header: list[str] | None, columns: tuple[str, ...], allow_extra: bool) -> list[str]:
    if not header:
        raise SourceError(path, f"the file is empty; expected the header {','.join(columns)}", line=1)
    header = [name.strip() for name in header]
    missing = [c for c in columns if c not in header]
    unknown = [] if allow_extra else [c for c in header if c not in columns]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if missing or unknown or duplicated:
        problems = [f"missing column(s) {', '.join(missing)}" if missing else "",
                    f"unknown column(s) {', '.join(unknown)}" if unknown else "",
                    f"repeated column(s) {', '.join(duplicated)}" if duplicated else ""]
        raise SourceError(path, "; ".join(p for p in problems if p) + f" (expected: {','.join(columns)})", line=1)
    return header


def _unique(records, key, what: str):
    """Ids must be unique: a second record with the same id is an error at its own line."""
    seen: dict = {}
    for record in records:
        k = key(record)
        if k in seen:
            raise record.origin.error(f"{what} {k!r} is already defined at line {seen[k].origin.line}")
        seen[k] = record
    return tuple(records)


def _known(value, allowed, what: str, origin_or_node) -> None:
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
            note=entries["note"].text(), date=_optional(entries, "date", parse_date),
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
    rate = _optional(entries, "subsidy_rate", parse_decimal)
    if rate is not None and rate > 100:
        raise entries["subsidy_rate"].error(f"subsidy_rate is a percentage (0-100), got {rate}")
    return Programme(
        measure=entries["measure"].parsed(parse_url), title=entries["title"].texts(),
        description=entries["description"].texts(), budget=entries["budget"].parsed(parse_decimal),
        approval_date=entries["approval_date"].parsed(parse_date), competent_authority=authority,
        source=entries["source"].refs(ctx), subsidy_rate=rate,
        approved_projects=_optional(entries, "approved_projects", parse_int),
        boost_projects=_optional(entries, "boost_projects", parse_int),
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
        label = {lang: fields[lang].text() for lang in ("nl", "en") if lang in fields}
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
        call = _optional(fields, "call", parse_int)
        if call is not None:
            _known(call, ctx.calls if ctx else None, "call number", fields["call"])
        events.append(Event(
            id=fields["id"].parsed(parse_slug), type=type_, title=fields["title"].texts(),
            source=fields["source"].refs(ctx), description=fields["description"].texts() if "description" in fields
            else {}, date=_optional(fields, "date", parse_date), call=call, origin=Origin(item.file, item.line)))
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
    for theme, item in zip(themes, fields["themes"].sequence()):
        if vocabulary and vocabulary.theme(theme) != theme:
            raise item.error(f"{theme} is not a theme concept of {CONCEPTS}")
    call = Call(
        number=fields["number"].parsed(parse_int), uri=fields["uri"].parsed(parse_url),
        submission_period=fields["submission_period"].parsed(parse_url), project_type=project_type,
        themes=themes, max_amount=fields["max_amount"].parsed(parse_decimal), source=fields["source"].refs(ctx),
        max_duration=_optional(fields, "max_duration", parse_duration),
        latest_end_date=_optional(fields, "latest_end_date", parse_date),
        submitted_applications=_optional(fields, "submitted_applications", parse_int),
        unique_applicants=_optional(fields, "unique_applicants", parse_int),
        selected_projects=_optional(fields, "selected_projects", parse_int),
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
        subsidised_projects=_optional(fields, "subsidised_projects", parse_int),
        unique_initiators=_optional(fields, "unique_initiators", parse_int),
        average_consortium_size=_optional(fields, "average_consortium_size", parse_decimal),
        largest_consortium=_optional(fields, "largest_consortium", parse_int))


PROJECT_COLUMNS = ("id", "title", "call", "theme", "description", "requested_amount", "estimated_cost",
                   "granted_amount", "start_date", "end_date", "building_blocks", "status", "source")
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
            building_blocks=blocks, status=status, origin=row.origin)
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
    concepts = turtle.parse_turtle(data_dir / CONCEPTS, uris)
    ctx = Context(documents=frozenset(d.id for d in documents),
                  vocabulary=read_vocabulary(concepts, uris, data_dir / CONCEPTS))
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
    return Sources(documents, concepts, ctx.vocabulary, programme, calls, partners, building_blocks, projects,
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
