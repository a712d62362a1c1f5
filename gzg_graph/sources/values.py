"""Value parsers for the fields of ``data/``: each raises ValueError with a message a data steward understands."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from ..terms import HTTP_IRI

if TYPE_CHECKING:
    from .records import Context

#: The file that defines the document ids a ``source`` may name.
DOCUMENTS = "sources.yaml"

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DECIMAL = re.compile(r"^\d+(?:\.\d+)?$")
_INTEGER = re.compile(r"^\d+$")
_DURATION = re.compile(r"^P(?=\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?$")
_KBO = re.compile(r"^\d?\d{3}[.\s]?\d{3}[.\s]?\d{3}$")  # 0/1: enterprises; 2-8: units such as districts
_OVO = re.compile(r"^OVO\d{6}$")


def normalise(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a label, for matching what people type."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(ascii_text.casefold().split())


def parse_slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(f"{value!r} is not an id (lower-case letters and digits joined by '-')")
    return value


def parse_url(value: str) -> str:
    if not HTTP_IRI.match(value):
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
        raise ValueError(
            f"{value!r} is not an amount: write digits with an optional '.' decimal point, "
            "no thousands separators or currency (e.g. 150000 or 6.5)"
        )
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
        if not (HTTP_IRI.match(token) or _SLUG.match(token)):
            raise ValueError(f"source {token!r} is neither an http(s) URL nor a document id")
    return tuple(tokens)


def check_refs(refs: tuple[str, ...], ctx: Context | None) -> None:
    """Every non-URL token of a source must be a document of sources.yaml."""
    if ctx is None or ctx.documents is None:
        return
    for token in refs:
        if not HTTP_IRI.match(token) and token not in ctx.documents:
            known = ", ".join(sorted(ctx.documents)) or "none"
            raise ValueError(f"source {token!r} is not a document id of {DOCUMENTS} (known: {known})")


# ---------------------------------------------------------------------------------------------------------------
# YAML: nodes with their lines
# ---------------------------------------------------------------------------------------------------------------
