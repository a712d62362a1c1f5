"""The records read from ``data/``: plain frozen dataclasses, each with the line it came from."""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rdflib import Graph

from ..errors import SourceError
from .values import normalise

if TYPE_CHECKING:
    from .yaml_files import YamlNode

#: The files of our own data in ``data/`` (``data/README.md`` documents each).
PROGRAMME = "programme.yaml"
CALLS = "calls.yaml"
CONCEPTS = "concepts.ttl"
PARTNERS = "partners.csv"
BUILDING_BLOCKS = "building-blocks.csv"
PROJECTS = "projects.csv"
PARTICIPATIONS = "participations.csv"


@dataclass(frozen=True)
class Origin:
    """Where a record (or field) was read, so later checks can still point at the right line."""

    file: Path
    line: int

    def error(self, message: str) -> SourceError:
        return SourceError(self.file, message, line=self.line)


class Located:
    """A record that knows where it was read (``origin``), so later checks can point at its line."""

    origin: Origin | None

    def error(self, message: str) -> SourceError:
        if self.origin is None:
            return SourceError("<record>", message)
        return self.origin.error(message)

    @property
    def line(self) -> int | None:
        return self.origin.line if self.origin else None


@dataclass(frozen=True)
class Document(Located):
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
class Event(Located):
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
class Call(Located):
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
class Partner(Located):
    id: str
    name: str
    source: tuple[str, ...]
    abbreviation: str | None = None
    alt_labels: tuple[str, ...] = ()
    kind: str | None = None
    kbo: str | None = None  # 10 digits, no dots
    ovo: str | None = None
    homepage: str | None = None
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class BuildingBlock(Located):
    id: str
    title: str
    source: tuple[str, ...]
    kind: str | None = None
    description: str | None = None
    landing_page: str | None = None
    publisher: str | None = None  # a partner id
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Project(Located):
    id: str
    title: str
    source: tuple[str, ...]
    call: int | None = None
    theme: str | None = None  # the theme concept URI
    description: str | None = None
    requested_amount: Decimal | None = None
    estimated_cost: Decimal | None = None
    granted_amount: Decimal | None = None
    start_date: date | None = None
    end_date: date | None = None
    building_blocks: tuple[str, ...] = ()
    status: str | None = None
    municipalities_using_result: int | None = None  # published reach of the result, not a participation count
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Participation(Located):
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
    themes: Mapping[str, str]  # normalised label or URI -> theme URI

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


_R = TypeVar("_R", bound=Located)


def unique(records: Iterable[_R], key: Callable[[_R], Hashable], what: str) -> tuple[_R, ...]:
    """Ids must be unique: a second record with the same id is an error at its own line."""
    records = tuple(records)
    seen: dict[Hashable, Any] = {}
    for record in records:
        k = key(record)
        if k in seen:
            raise record.error(f"{what} {k!r} is already defined at line {seen[k].line}")
        seen[k] = record
    return tuple(records)


def known(value: Any, allowed: Collection[Any] | None, what: str, origin_or_node: Origin | YamlNode) -> None:
    if allowed is not None and value not in allowed:
        raise origin_or_node.error(f"unknown {what} {value!r} (known: {', '.join(map(str, sorted(allowed)))})")


# ---------------------------------------------------------------------------------------------------------------
# Readers, one per file
# ---------------------------------------------------------------------------------------------------------------
