"""Example SPARQL queries for users of the endpoint: a menu of real questions, titled and described in nl and en.

The menu is data: ``examples.yaml`` lists the examples in menu order (``id``, ``title`` and ``description``, each
``{nl: ..., en: ...}``), and ``{id}.rq`` holds each query, PREFIX lines written out so it can be pasted into any
SPARQL endpoint, our own URIs written with the default base (:data:`gzg_graph.queries.DEFAULT_BASE`).
:func:`examples` reads both once (with :mod:`importlib.resources`, so an installed wheel reads the same files),
checks that they belong together and hands them out, rebased on ``base`` when one is given.

Federated examples call LBLOD's SPARQL endpoint with ``SERVICE``; their files name LBLOD's public endpoint
(:data:`LBLOD_ENDPOINT`), and ``lblod_endpoint=`` puts the configured one (GZG_LBLOD_ENDPOINT) in its place.
They run only where that endpoint is allow-listed (GZG_SERVICE_ALLOW), so :attr:`Example.services` says which
endpoints an example calls.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Any

import yaml

from .. import rebase

#: The languages every title and description is written in, in this order.
LANGUAGES = ("nl", "en")
#: The menu file, beside the ``.rq`` files.
INDEX = "examples.yaml"
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: LBLOD's public SPARQL endpoint, as the federated examples' files write it.
LBLOD_ENDPOINT = "https://centrale-vindplaats.lblod.info/sparql"
_SERVICE = re.compile(r"\bSERVICE\s+(?:SILENT\s+)?<([^<>\s]*)>", re.I)
_KEYS = {"id", "title", "description"}


class ExamplesInvalid(ValueError):
    """``examples.yaml`` and the ``.rq`` files do not fit together (a packaging mistake, named precisely)."""


class UnknownExample(KeyError):
    """No example has this id; the message lists the ids there are."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Example:
    """One example of the menu: its id (the ``.rq`` file's stem), nl/en title and description, and its query."""

    id: str
    title: Mapping[str, str] = field(hash=False)  # {"nl": ..., "en": ...}
    description: Mapping[str, str] = field(hash=False)
    sparql: str  # the text of the .rq file

    @property
    def services(self) -> tuple[str, ...]:
        """The SERVICE endpoints the query calls (none for a query on this graph alone)."""
        return tuple(dict.fromkeys(_SERVICE.findall(self.sparql)))

    def rebased(self, base: str | None, lblod_endpoint: str | None = None) -> Example:
        """This example with the default base in its IRIs replaced by ``base`` (:func:`gzg_graph.queries.rebase`)
        and LBLOD's public endpoint by ``lblod_endpoint``, each when given."""
        sparql = rebase(self.sparql, base) if base else self.sparql
        if lblod_endpoint and lblod_endpoint != LBLOD_ENDPOINT:
            sparql = sparql.replace(f"<{LBLOD_ENDPOINT}>", f"<{lblod_endpoint}>")
        return self if sparql == self.sparql else dataclasses.replace(self, sparql=sparql)


def examples(base: str | None = None, lblod_endpoint: str | None = None) -> list[Example]:
    """All examples in menu order, rebased on ``base`` and ``lblod_endpoint`` when given. The files are read
    and checked once."""
    return [e.rebased(base, lblod_endpoint) for e in _menu()]


def example(id: str, base: str | None = None, lblod_endpoint: str | None = None) -> Example:
    """The example with this id, rebased on ``base`` and ``lblod_endpoint`` when given; :class:`UnknownExample`
    for an unknown id."""
    for found in _menu():
        if found.id == id:
            return found.rebased(base, lblod_endpoint)
    known = ", ".join(e.id for e in _menu())
    raise UnknownExample(f"no example query {id!r} (known: {known})")


@cache
def _menu() -> tuple[Example, ...]:
    return tuple(read_examples(resources.files(__package__)))


def read_examples(folder: Traversable) -> list[Example]:
    """The examples of ``folder`` (its ``examples.yaml`` and ``.rq`` files), checked; :class:`ExamplesInvalid`
    names the first problem: a listed query without its file, a file not listed, a repeated or malformed id, a
    missing or empty title or description in one of :data:`LANGUAGES`."""
    index = folder.joinpath(INDEX)
    if not index.is_file():
        raise ExamplesInvalid(f"{INDEX} is missing")
    try:
        content = yaml.safe_load(index.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise ExamplesInvalid(f"{INDEX} is not valid YAML: {e}") from e
    entries = content.get("examples") if isinstance(content, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ExamplesInvalid(f"{INDEX}: expected a non-empty list under 'examples'")
    files = {p.name[: -len(".rq")]: p for p in folder.iterdir() if p.name.endswith(".rq") and p.is_file()}
    found: list[Example] = []
    for number, entry in enumerate(entries, start=1):
        example_id = _check_entry(entry, number, seen={e.id for e in found})
        if example_id not in files:
            raise ExamplesInvalid(f"{INDEX}: example {example_id!r} has no file {example_id}.rq")
        sparql = files[example_id].read_text(encoding="utf-8")
        if not sparql.strip():
            raise ExamplesInvalid(f"{example_id}.rq is empty")
        found.append(
            Example(
                id=example_id,
                title=_texts(entry, "title", example_id),
                description=_texts(entry, "description", example_id),
                sparql=sparql,
            )
        )
    unlisted = sorted(set(files) - {e.id for e in found})
    if unlisted:
        raise ExamplesInvalid(f"{', '.join(f'{name}.rq' for name in unlisted)} not listed in {INDEX}")
    return found


def _check_entry(entry: Any, number: int, seen: set[str]) -> str:
    where = f"{INDEX}: example {number}"
    if not isinstance(entry, dict):
        raise ExamplesInvalid(f"{where}: expected a mapping with {', '.join(sorted(_KEYS))}")
    unknown = sorted(str(key) for key in set(entry) - _KEYS)
    if unknown:
        raise ExamplesInvalid(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(_KEYS))})")
    example_id = entry.get("id")
    if not isinstance(example_id, str) or not _ID.fullmatch(example_id):
        raise ExamplesInvalid(f"{where}: id {example_id!r} is not kebab-case (lower-case letters and digits, '-')")
    if example_id in seen:
        raise ExamplesInvalid(f"{where}: id {example_id!r} is used twice")
    return example_id


def _texts(entry: dict, key: str, example_id: str) -> Mapping[str, str]:
    where = f"{INDEX}: example {example_id!r}"
    texts = entry.get(key)
    if not isinstance(texts, dict):
        raise ExamplesInvalid(f"{where}: {key} must be a mapping {{{', '.join(f'{lang}: ...' for lang in LANGUAGES)}}}")
    unknown = sorted(str(lang) for lang in set(texts) - set(LANGUAGES))
    if unknown:
        raise ExamplesInvalid(f"{where}: {key} has unknown language(s) {', '.join(unknown)}")
    for lang in LANGUAGES:
        text = texts.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise ExamplesInvalid(f"{where}: {key} lacks a non-empty {lang!r} text")
    return MappingProxyType({lang: " ".join(texts[lang].split()) for lang in LANGUAGES})
