"""Reading ``data/lblod/``: the LBLOD local governments and their names over time, checked row by row.

The files are written by ``scripts/derive_lblod_data.py``; every problem is a
:class:`~gzg_graph.errors.SourceError` naming the file and the line, so a maintainer who edits a CSV by hand
is pointed at the row to fix. Turning them into RDF is :mod:`gzg_graph.mapping.lblod`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rdflib import URIRef

from ..errors import SourceError
from ..terms import HTTP_IRI
from .csv_files import read_csv

LOCAL_GOVERNMENTS = "local-governments.csv"
NAME_HISTORY = "name-history.csv"
CHANGE_EVENTS = "lblod-op-fusies-2025-change-events.ttl"
CLASSIFICATION_CODES = "bestuurseenheid-classificatiecodes.ttl"
REFNIS = "refnis-flanders.ttl"
LOKET = "gzg-subsidiemaatregel-loket.ttl"

#: the header of local-governments.csv, a contract with the derivation script and other readers.
COLUMNS = (
    "uri",
    "name",
    "classification",
    "classification_uri",
    "kbo",
    "ovo",
    "province",
    "province_uri",
    "werkingsgebied",
    "werkingsgebied_label",
    "nis_2019",
    "nis_2025",
    "active_from",
    "active_until",
    "derived_from",
    "source",
)
HISTORY_COLUMNS = ("uri", "name", "valid_from", "valid_until", "source")

_GH = "https://github.com/lblod"
#: where each source named in the CSVs' ``source`` column comes from (details in data/lblod/SOURCES.md).
SOURCE_URLS = {
    "bestuurseenheden-lpdc-2023.ttl": f"{_GH}/app-lpdc-digitaal-loket/blob/a8d53122c52d3426af39cd9c395ada6a1cca1468/"
    "config/migrations/2023/20230623155604-import-bestuurseenheden/20230623155604-import-bestuurseenheden.ttl",
    "bestuurseenheden-fusies-2025.ttl": f"{_GH}/app-lpdc-digitaal-loket/blob/cf8b349979c97af05e0c17e82c22ef71c771ac52/"
    "config/migrations/2024/20241107114207-import-municipalities-and-ocmws-with-new-kbo-mergers-2025/"
    "20241107114207-import-municipalities-and-ocmws-with-new-kbo-mergers-2025.ttl",
    "werkingsgebieden.ttl": f"{_GH}/app-organization-portal/blob/c133c4e0d910364f88d5e2772c9580da6ff1b16e/"
    "config/migrations/2022/20220816085800-werkingsgebieden.ttl",
    "bestuurseenheden-werkingsgebieden-to-refnis2019.ttl": f"{_GH}/app-organization-portal/blob/"
    "c133c4e0d910364f88d5e2772c9580da6ff1b16e/config/migrations/2022/20220816085700-lblod_to_nis.ttl",
    "lblod-op-fusies-2025-nieuwe-gemeenten-ocmws.ttl": f"{_GH}/app-organization-portal/tree/"
    "68677ead2a8f8f08cada1a25d82c51f70c49f337/config/migrations/2024/20240812111040-feat-add-merged-municipalities-and-ocmws",
    "lblod-lmb-fusies-2025-nieuwe-bestuurseenheden.ttl": f"{_GH}/app-lokaal-mandatenbeheer/blob/"
    "a1eb11fe3fb1e5fdaacf65d9eca6aef1703af3b3/config/migrations/2024/20240910102800-legislation-2025/"
    "20240910102801-new-bestuurseenheden.ttl",
    "lblod-lpdc-fusies-2025-werkingsgebieden-nuts.ttl": f"{_GH}/app-lpdc-digitaal-loket/blob/"
    "8ec375c1f39011ef8f8ba2f6e54713bacabddb3c/config/migrations/2024/20241129182951-add-werkingsgebieden-for-new-fusies.sparql",
    "lblod-op-fusies-2025-werkingsgebieden-refnis2025.ttl": f"{_GH}/app-organization-portal/blob/"
    "9122c18f1e9d812982a8528c2b2bc3c21220b73d/config/migrations/2025/20250107100000-nis-codes-2025/"
    "20250107104100-link-new-fusie-gemeenten-to-their-nis-codes.sparql",
    CHANGE_EVENTS: f"{_GH}/app-organization-portal/tree/477c37320d957010850b3dfcc922e65ded347b6c/"
    "config/migrations/2024/20241203112740-mergers-2025-add-merge-change-events",
    "lblod-lpdc-district-borsbeek-2025.ttl": f"{_GH}/app-lpdc-digitaal-loket/blob/ba878ae5474d5cae95d170bea43c71b947f2ef88/"
    "config/migrations/2025/20250124100012-add-district-borsbeek/20250124100012-add-district-borsbeek.ttl",
    "lblod-subsidiepunt-fusies-2025-kbo-ovo.ttl": f"{_GH}/app-subsidiepunt/blob/69d63db9891f9a7a1a744ac0b55b386181cb6e9a/"
    "config/migrations/2024/20241113101000-fusies-add-bestuurseenheden/20241113101020-fusiegemeenten/"
    "20241217233020-add-fusiegemeenten-kbo-and-identifiers.ttl",
    "refnis2019.ttl": "http://vocab.belgif.be/auth/refnis2019",
    "refnis2025.ttl": "http://vocab.belgif.be/auth/refnis2025",
}
#: a source may also be written ``owner/repo:path@commit`` (a GitHub file at a commit).
_REPO_PATH = re.compile(r"^(?P<repo>[\w.-]+/[\w.-]+):(?P<path>[^@\s]+)@(?P<commit>[0-9a-f]{7,40})$")
_FORMATS = {
    "kbo": (re.compile(r"^\d{10}$"), "a KBO number of 10 digits"),
    "ovo": (re.compile(r"^OVO\d{6}$"), "an OVO number (OVO + 6 digits)"),
    "nis_2019": (re.compile(r"^\d{5}$"), "a NIS code of 5 digits"),
    "nis_2025": (re.compile(r"^\d{5}$"), "a NIS code of 5 digits"),
}
_IRI_COLUMNS = ("uri", "classification_uri", "province_uri", "werkingsgebied")


@dataclass(frozen=True)
class LocalGovernment:
    """One row of local-governments.csv; ``line`` is where it is, for error messages."""

    uri: str
    name: str
    classification: str
    classification_uri: str
    kbo: str
    ovo: str
    province: str
    province_uri: str
    werkingsgebied: str
    werkingsgebied_label: str
    nis_2019: str
    nis_2025: str
    active_from: str
    active_until: str
    derived_from: tuple[str, ...]
    source: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Name:
    """One row of name-history.csv: a name a unit bore, with its validity where known."""

    uri: str
    name: str
    valid_from: str
    valid_until: str
    source: tuple[str, ...]
    line: int


# --------------------------------------------------------------------------------------------------- reading


def lblod_dir(data_dir: Path) -> Path:
    """``data/lblod`` when given ``data/`` (the build's data directory), else the directory itself."""
    data_dir = Path(data_dir)
    return data_dir / "lblod" if (data_dir / "lblod").is_dir() else data_dir


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) pairs of a CSV whose header has ``columns`` (extra columns are allowed and ignored)."""
    for row in read_csv(path, columns, allow_extra=True):
        yield row.origin.line, row.values


def _check_date(path: Path, line: int, column: str, value: str) -> None:
    if value:
        try:
            date.fromisoformat(value)
        except ValueError as e:
            raise SourceError(path, f"{column} {value!r} is not a date (YYYY-MM-DD)", line=line) from e
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise SourceError(path, f"{column} {value!r} is not a date (YYYY-MM-DD)", line=line)


def _check_period(path: Path, line: int, start: str, end: str, names: tuple[str, str]) -> None:
    for column, value in zip(names, (start, end), strict=True):
        _check_date(path, line, column, value)
    if start and end and start > end:
        raise SourceError(path, f"{names[0]} {start} is after {names[1]} {end}", line=line)


def _sources(path: Path, line: int, value: str) -> tuple[str, ...]:
    tokens = tuple(value.split())
    for token in tokens:
        if token not in SOURCE_URLS and not _REPO_PATH.match(token) and not HTTP_IRI.match(token):
            raise SourceError(path, f"unknown source {token!r} (add it to lblod.SOURCE_URLS and SOURCES.md)", line=line)
    return tokens


def _check_unit_row(path: Path, line: int, row: dict[str, str]) -> None:
    if not row["name"]:
        raise SourceError(path, "name is empty", line=line)
    for column in _IRI_COLUMNS:
        if row[column] and not HTTP_IRI.match(row[column]):
            raise SourceError(path, f"{column} {row[column]!r} is not an http(s) IRI", line=line)
    if not row["uri"]:
        raise SourceError(path, "uri is empty", line=line)
    for column, (pattern, what) in _FORMATS.items():
        if row[column] and not pattern.match(row[column]):
            raise SourceError(path, f"{column} {row[column]!r} is not {what}", line=line)
    if (row["nis_2019"] or row["nis_2025"] or row["werkingsgebied_label"]) and not row["werkingsgebied"]:
        raise SourceError(path, "NIS code or werkingsgebied_label without werkingsgebied", line=line)
    for predecessor in row["derived_from"].split():
        if not HTTP_IRI.match(predecessor):
            raise SourceError(path, f"derived_from {predecessor!r} is not an http(s) IRI", line=line)
    _check_period(path, line, row["active_from"], row["active_until"], ("active_from", "active_until"))


def read_local_governments(path: Path) -> list[LocalGovernment]:
    """The rows of local-governments.csv, validated (formats, dates, unique URIs)."""
    units: list[LocalGovernment] = []
    first_line: dict[str, int] = {}
    for line, row in _rows(path, COLUMNS):
        _check_unit_row(path, line, row)
        if row["uri"] in first_line:
            raise SourceError(path, f"duplicate uri {row['uri']} (first on line {first_line[row['uri']]})", line=line)
        first_line[row["uri"]] = line
        units.append(
            LocalGovernment(
                **{c: row[c] for c in COLUMNS if c not in ("derived_from", "source")},
                derived_from=tuple(row["derived_from"].split()),
                source=_sources(path, line, row["source"]),
                line=line,
            )
        )
    return units


def read_name_history(path: Path, known: set[str]) -> dict[str, list[Name]]:
    """unit URI -> its names (name-history.csv); every URI must be a known unit, every (uri, valid_from) once."""
    names: dict[str, list[Name]] = {}
    seen: dict[tuple[str, str], int] = {}
    for line, row in _rows(path, HISTORY_COLUMNS):
        if row["uri"] not in known:
            raise SourceError(path, f"uri {row['uri']!r} is not in {LOCAL_GOVERNMENTS}", line=line)
        if not row["name"]:
            raise SourceError(path, "name is empty", line=line)
        _check_period(path, line, row["valid_from"], row["valid_until"], ("valid_from", "valid_until"))
        key = (row["uri"], row["valid_from"])
        if key in seen:
            raise SourceError(
                path,
                f"second name for {row['uri']} from {row['valid_from'] or 'the start'} (first on line {seen[key]})",
                line=line,
            )
        seen[key] = line
        sources = _sources(path, line, row["source"])
        names.setdefault(row["uri"], []).append(
            Name(row["uri"], row["name"], row["valid_from"], row["valid_until"], sources, line)
        )
    return names


# --------------------------------------------------------------------------------------------------- mapping


def source_url(token: str) -> URIRef:
    """The URL of a source named in a ``source`` column."""
    if token in SOURCE_URLS:
        return URIRef(SOURCE_URLS[token])
    match = _REPO_PATH.match(token)
    if match:
        return URIRef(f"https://github.com/{match['repo']}/blob/{match['commit']}/{match['path']}")
    return URIRef(token)
