"""The one CSV reader: records with their physical line numbers, checked headers, precise errors.

Data stewards export these files from a spreadsheet, so a BOM and ';' separators are accepted.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SourceError
from .records import Origin
from .values import check_refs, parse_refs

if TYPE_CHECKING:
    from .records import Context


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

    def parsed(self, column: str, parser: Callable[[str], Any], required: bool = False) -> Any:
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
        f = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by the with below
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
                    raise origin.error(
                        f"{len(cells)} cells but the header has {len(header)} columns "
                        f"(a cell with a separator must be quoted)"
                    )
                yield CsvRow({name: cell.strip() for name, cell in zip(header, cells, strict=True)}, origin)
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
        problems = [
            f"missing column(s) {', '.join(missing)}" if missing else "",
            f"unknown column(s) {', '.join(unknown)}" if unknown else "",
            f"repeated column(s) {', '.join(duplicated)}" if duplicated else "",
        ]
        raise SourceError(path, "; ".join(p for p in problems if p) + f" (expected: {','.join(columns)})", line=1)
    return header
