"""The filters of the collections: reading a parameter's value into the query fragments it chooses and the RDF
terms it binds (``Filter.choose``), and the text folding search and sorting share. Knows nothing of HTTP."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..errors import GzgError
from ..terms import is_iri
from ..uris import slugify

#: The combining marks NFKD splits off accented letters (Unicode's Combining Diacritical Marks blocks).
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


class BadParameter(GzgError, ValueError):
    """A request parameter a collection cannot take; the message names the parameter."""


def fold(text: str) -> str:
    """Text as search and sorting compare it: accents dropped (NFKD), lower case, spaces collapsed.

    >>> fold("  Évergem  ÉÉN ")
    'evergem een'
    """
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class Option:
    """A value a filter offers: its URI, its names by language ('' for none) and a code (number, NIS code)."""

    value: str
    labels: dict[str, str]
    code: str | None = None

    def label(self, lang: str) -> str:
        return pick(self.labels, lang) or self.value

    @property
    def slugs(self) -> set[str]:
        """The words a user may type for it: its code, the slug of each of its names, its URI's last segment."""
        found = {slugify(label) for label in self.labels.values() if re.search(r"[A-Za-z0-9]", label)}
        found.add(self.value.rstrip("/").rsplit("/", 1)[-1].lower())
        if self.code:
            found.add(self.code.lower())
        return found


#: Gives the options of a filter by the name of their query (``options-<name>.rq``).
Lookup = Callable[[str], list[Option]]


@dataclass(frozen=True)
class Choice:
    """What one filter value adds to the query: fragments (``filter-<name>.rq``) and bound variables."""

    fragments: tuple[str, ...]
    bindings: dict[str, Node]


@dataclass(frozen=True)
class Filter:
    """A filter parameter. ``kind`` says how a value is read:

    * ``option``: a URI, or a code or slug of one of the ``options`` (``call=3``, ``province=limburg``),
      bound to ``variable`` with ``fragments``;
    * ``local-government``: a URI or a five-digit NIS code (2019 or 2025 REFNIS);
    * ``year``: a year, bound as an integer;
    * ``yes-no``: ``yes`` adds ``fragments``, ``no`` adds ``negated``.
    """

    name: str
    kind: str
    property: URIRef  # what hydra:mapping says the variable filters on
    description: str
    fragments: tuple[str, ...] = ()
    variable: str = ""
    options: str = ""
    negated: tuple[str, ...] = ()
    requires: str = ""  # another filter this one refines (role= refines localGovernment=)

    def choose(self, value: str, lookup: Lookup) -> Choice:
        if self.kind == "year":
            if not re.fullmatch(r"[12][0-9]{3}", value):
                raise BadParameter(f"{self.name}: {value!r} is not a year (four digits, e.g. 2022)")
            return Choice(self.fragments, {self.variable: Literal(int(value), datatype=XSD.integer)})
        if self.kind == "yes-no":
            answer = value.lower()
            if answer in ("yes", "true", "ja", "1"):
                return Choice(self.fragments, {})
            if answer in ("no", "false", "nee", "0"):
                return Choice(self.negated, {})
            raise BadParameter(f"{self.name}: {value!r} is neither yes nor no")
        if self.kind == "local-government" and re.fullmatch(r"[0-9]{5}", value):
            codes = {f"nis{year}": URIRef(f"http://vocab.belgif.be/auth/refnis{year}/{value}") for year in (2019, 2025)}
            return Choice(("filter-local-government-nis", *self.fragments), dict(codes))
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value):
            if not is_iri(value):
                raise BadParameter(f"{self.name}: {value!r} is not a valid absolute URI")
            return Choice(self.fragments, {self.variable: URIRef(value)})
        return Choice(self.fragments, {self.variable: URIRef(self._option(value, lookup))})

    def _option(self, value: str, lookup: Lookup) -> str:
        if not self.options:
            raise BadParameter(f"{self.name}: {value!r} is not a URI{' or NIS code' if self.kind != 'option' else ''}")
        options = lookup(self.options)
        wanted = value.strip().lower()
        for option in options:
            if wanted in option.slugs:
                return option.value
        known = sorted({min(o.slugs, key=lambda s: (not s.isdigit(), len(s))) for o in options})
        raise BadParameter(
            f"{self.name}: no value {value!r}; give a URI or one of {', '.join(known) or '(none known)'}"
        )


SEARCH = Filter("q", "text", URIRef("http://www.w3.org/ns/hydra/core#freetextQuery"), "", ("filter-search",), "needle")


def pick(labels: dict[str, str], lang: str) -> str | None:
    """The label in ``lang``, else one without language, else Dutch, else any (the first by language tag)."""
    for tag in (lang, "", "nl"):
        if tag in labels:
            return labels[tag]
    return labels[min(labels)] if labels else None
