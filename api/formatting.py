"""Values as people read them in Dutch or English: amounts, dates, numbers, durations (CLDR data via Babel).

nl is Belgian Dutch (``€ 2.000.000,00``, ``9 juni 2024``), en British English (``€2,000,000.00``,
``9 June 2024``), the conventions of a Flemish public site. A value that does not parse as its datatype
is shown as it is written: a page never fails on a bad literal.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal
from babel.units import format_unit
from rdflib import Literal
from rdflib.namespace import XSD

LOCALES = {"nl": "nl_BE", "en": "en_GB"}
_NUMBERS = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long, XSD.nonNegativeInteger}
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
_DURATION_UNITS = ("duration-year", "duration-month", "duration-week", "duration-day")


def locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["nl"])


def amount(value: object, currency: str | None, lang: str) -> str:
    """``€ 2.000.000,00`` (nl) / ``€2,000,000.00`` (en); the number alone when the currency is unknown."""
    number = _decimal(value)
    if number is None:
        return " ".join(str(v) for v in (value, currency) if v is not None)
    if currency and re.fullmatch(r"[A-Z]{3}", currency):
        return format_currency(number, currency, locale=locale(lang))
    return format_decimal(number, locale=locale(lang)) + (f" {currency}" if currency else "")


def date(value: datetime.date, lang: str) -> str:
    return format_date(value, "long", locale=locale(lang))


def literal(node: Literal, lang: str, yes_no: tuple[str, str]) -> str:
    """A typed literal as text for a page in ``lang`` (``yes_no``: the words for true and false)."""
    datatype = node.datatype
    try:
        if datatype == XSD.date:
            return date(datetime.date.fromisoformat(str(node)[:10]), lang)
        if datatype == XSD.dateTime:
            moment = datetime.datetime.fromisoformat(str(node).replace("Z", "+00:00"))
            text = date(moment.date(), lang)
            if moment.time() != datetime.time(0):
                text += " " + format_time(moment.time(), "HH:mm", locale=locale(lang))
            return text
        if datatype == XSD.boolean:
            return yes_no[0] if str(node).strip() in ("true", "1") else yes_no[1]
        if datatype in _NUMBERS:
            number = _decimal(str(node))
            return str(node) if number is None else format_decimal(number, locale=locale(lang))
        if datatype == XSD.duration:
            return duration(str(node), lang)
    except ValueError:
        pass
    return str(node)


def duration(text: str, lang: str) -> str:
    """``P1Y`` -> ``1 jaar`` / ``1 year``; durations with a time part stay as written."""
    match = _DURATION.match(text)
    if not match or not any(match.groups()):
        return text
    parts = [
        format_unit(int(count), unit, length="long", locale=locale(lang))
        for count, unit in zip(match.groups(), _DURATION_UNITS, strict=True)
        if count
    ]
    return ", ".join(parts)


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value: int | float | Decimal, lang: str) -> str:
    return format_decimal(value, locale=locale(lang))
