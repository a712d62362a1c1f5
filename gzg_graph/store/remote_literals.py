"""Durations as a remote store gives them back, repaired: Virtuoso stores a duration by value and answers a number.

Virtuoso 7.2 keeps an ``xsd:duration`` (or ``yearMonthDuration``, ``dayTimeDuration``) that has only year and
month parts as a whole number of months, and one that has only day and time parts as a number of seconds, and
answers that number as the literal's lexical form: ``"P1Y"`` comes back as ``"12"``, ``"PT36H"`` as
``"129600.0"``, neither of them a duration at all (a duration with both kinds of parts is kept as written).
The value is all there, so it is written again here in its canonical XSD 1.1 form, the one pyoxigraph
writes: ``"P1Y"``, ``"P1DT12H"``; like a decimal's ``"0.50"`` (read back ``"0.5"``), only a non-canonical
spelling such as ``"P12M"`` comes back different (``"P1Y"``), as the same value.
"""

from __future__ import annotations

import re
from decimal import Decimal

_XSD = rb"http://www\.w3\.org/2001/XMLSchema#(?:duration|yearMonthDuration|dayTimeDuration)"
_NUMBER = rb"-?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?"
#: The number as a literal's text in SPARQL XML results, and in N-Triples.
_IN_XML = re.compile(rb'(<literal datatype="' + _XSD + rb'">)(' + _NUMBER + rb")(</literal>)")
_IN_NTRIPLES = re.compile(rb'(")(' + _NUMBER + rb')("\^\^<' + _XSD + rb">)")


def repair_durations(body: bytes) -> bytes:
    """``body`` (SPARQL XML results or N-Triples) with every duration given as a number written as a duration."""
    if b"uration" not in body:  # no duration at all: the usual answer, not searched twice
        return body
    body = _IN_XML.sub(_repaired, body)
    return _IN_NTRIPLES.sub(_repaired, body)


def _repaired(match: re.Match[bytes]) -> bytes:
    return match.group(1) + duration(match.group(2).decode("ascii")).encode("ascii") + match.group(3)


def duration(number: str) -> str:
    """The canonical duration of Virtuoso's number: whole months when it is an integer, else seconds."""
    if re.fullmatch(r"-?[0-9]+", number):
        return _months(int(number))
    return _seconds(Decimal(number))


def _months(months: int) -> str:
    sign, months = ("-" if months < 0 else ""), abs(months)
    years, months = divmod(months, 12)
    text = (f"{years}Y" if years else "") + (f"{months}M" if months else "")
    return f"{sign}P{text}" if text else "P0M"


def _seconds(seconds: Decimal) -> str:
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, rest = divmod(rest, 60)
    time = (f"{int(hours)}H" if hours else "") + (f"{int(minutes)}M" if minutes else "")
    if rest:
        time += f"{format(rest.normalize(), 'f')}S"  # no exponent, no trailing zeros: 1.5, 6, 0.25
    text = (f"{int(days)}D" if days else "") + (f"T{time}" if time else "")
    return f"{sign}P{text}" if text else "PT0S"
