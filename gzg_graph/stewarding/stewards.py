"""Who wrote a project: the stewards of the configuration, each with a token of their own.

``GZG_STEWARDS`` (or the file ``GZG_STEWARDS_FILE``) lists ``name:token`` pairs, separated by commas or new
lines (``#`` starts a comment). ``GZG_WRITE_TOKEN``, the token of every other write, is the steward
``default``. A steward is published as ``{base}/id/steward/{name}`` (a ``prov:Agent``); the token never
leaves this module: not in a message, a log line or the store.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, PROV, RDF

from ..config import Settings
from ..errors import GzgError
from ..sources.values import parse_slug
from ..uris import UriPolicy

#: The steward whose token is GZG_WRITE_TOKEN.
DEFAULT_STEWARD = "default"


@dataclass(frozen=True)
class Steward:
    name: str
    token: str = field(repr=False, compare=False)

    def uri(self, uris: UriPolicy) -> URIRef:
        return uris.id("steward", self.name)

    def describe(self, uris: UriPolicy) -> Graph:
        """The steward as a PROV and FOAF agent with its name (never its token)."""
        graph, node = Graph(), self.uri(uris)
        graph.add((node, RDF.type, PROV.Agent))
        graph.add((node, RDF.type, FOAF.Agent))
        graph.add((node, FOAF.name, Literal(self.name)))
        return graph


def parse_stewards(text: str) -> tuple[Steward, ...]:
    """The ``name:token`` entries of ``text``; GzgError (naming the entry by number, not its token) if one is
    malformed or a name or token is given twice."""
    stewards: list[Steward] = []
    entries = [e.split("#", 1)[0].strip() for line in text.splitlines() for e in line.split(",")]
    for number, entry in enumerate((e for e in entries if e), 1):
        name, colon, token = (part.strip() for part in entry.partition(":"))
        if not colon or not token:
            raise GzgError(f"GZG_STEWARDS entry {number} is not 'name:token'")
        try:
            parse_slug(name)
        except ValueError as e:
            raise GzgError(f"GZG_STEWARDS entry {number}: the name {e}") from None
        if any(s.name == name for s in stewards) or any(hmac.compare_digest(s.token, token) for s in stewards):
            raise GzgError(f"GZG_STEWARDS entry {number}: steward {name!r} or its token is given twice")
        stewards.append(Steward(name, token))
    return tuple(stewards)


def configured_stewards(settings: Settings) -> tuple[Steward, ...]:
    """Every steward of the configuration: GZG_STEWARDS(_FILE), and ``default`` for GZG_WRITE_TOKEN."""
    stewards = parse_stewards(settings.stewards)
    if settings.write_token and not any(s.name == DEFAULT_STEWARD for s in stewards):
        stewards += (Steward(DEFAULT_STEWARD, settings.write_token),)
    return stewards


def identify(token: str, stewards: tuple[Steward, ...]) -> Steward | None:
    """The steward whose token this is; every token is compared (in constant time), so how long the answer
    takes tells nothing about which one came close."""
    found = None
    for steward in stewards:
        if hmac.compare_digest(token.encode("utf-8"), steward.token.encode("utf-8")):
            found = steward
    return found
