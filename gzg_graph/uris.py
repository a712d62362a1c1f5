"""The URI policy, in one place.

Follows the Flemish URI standard: ``{base}/id/{type}/{reference}`` names a thing,
``{base}/doc/{type}/{reference}`` the document about it, ``{base}/ns/{vocabulary}#`` our own
vocabulary. Things that already have an authoritative URI (LBLOD local governments, the Loket's
measure, calls and themes) keep it; we mint URIs only for what has none.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rdflib import Namespace, URIRef

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """A stable, readable URI segment: lower case ASCII, words joined by '-'.

    >>> slugify("FOD Mobiliteit en Vervoer")
    'fod-mobiliteit-en-vervoer'
    >>> slugify("Privésector")
    'privesector'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    if not slug:
        raise ValueError(f"cannot make a URI segment from {text!r}")
    return slug


def last_segment(uri: str) -> str:
    """The last path segment of a URI: what a participation URI used to name its participant by.

    Until readable slugs, a participation was ``{project}--{key}`` with the key an LBLOD unit's id (64 hex
    characters) or a partner's id, both the last segment of the participant's URI. Kept, in this one place,
    so those URIs still redirect (``gzg_graph.publishing.moved``).

    >>> last_segment("http://data.lblod.info/id/bestuurseenheden/be27/")
    'be27'
    """
    return uri.rstrip("/").rsplit("/", 1)[-1]


#: Between a project's id and its participant's slug in a participation's URI.
PARTICIPATION_JOIN = "--"


@dataclass(frozen=True)
class UriPolicy:
    """Mints the project's URIs under one configurable base (no trailing slash)."""

    base: str

    def __post_init__(self):
        if not re.match(r"^https?://[^/\s]+(/[^\s#?]*)?$", self.base) or self.base.endswith("/"):
            raise ValueError(f"base URI must be http(s)://host[/path] without trailing slash, got {self.base!r}")

    @property
    def ns(self) -> Namespace:
        """The project's own vocabulary (the ontology in ``ontology/gzg.ttl``)."""
        return Namespace(f"{self.base}/ns/gzg#")

    @property
    def parse_base(self) -> str:
        """Base IRI for parsing our Turtle files, whose relative IRIs (``<ns/gzg#>``, ``<id/...>``) hang off it."""
        return self.base + "/"

    def id(self, type_: str, reference: str) -> URIRef:
        return URIRef(f"{self.base}/id/{type_}/{reference}")

    def participation(self, project: str, participant: str) -> URIRef:
        """A participation: ``{base}/id/deelname/{project}--{participant}``, the participant's slug or key."""
        return self.id("deelname", f"{project}{PARTICIPATION_JOIN}{participant}")

    def participation_parts(self, uri: str) -> list[tuple[str, str]]:
        """Every (project, participant) reading of a participation URI, one per place the ``--`` may split it.

        >>> UriPolicy("http://x.org").participation_parts("http://x.org/id/deelname/a--b--c")
        [('a', 'b--c'), ('a--b', 'c')]
        """
        prefix = f"{self.base}/id/deelname/"
        reference = uri[len(prefix) :] if uri.startswith(prefix) else ""
        splits = [m.start() for m in re.finditer(f"(?={PARTICIPATION_JOIN})", reference)]
        after = len(PARTICIPATION_JOIN)
        return [(reference[:i], reference[i + after :]) for i in splits if i and reference[i + after :]]

    def doc(self, type_: str, reference: str) -> URIRef:
        return URIRef(f"{self.base}/doc/{type_}/{reference}")

    def graph(self, name: str) -> URIRef:
        """Named graphs are DCAT datasets: the graph name is the dataset's URI."""
        return self.id("dataset", name)

    def concept(self, scheme: str, reference: str) -> URIRef:
        return self.id(f"concept/{scheme}", reference)

    def concept_scheme(self, scheme: str) -> URIRef:
        return self.id("conceptscheme", scheme)

    def doc_for(self, uri: str) -> str | None:
        """The document URL for a thing URI under our base (``/id/`` -> ``/doc/``), else None."""
        prefix = f"{self.base}/id/"
        if uri.startswith(prefix):
            return f"{self.base}/doc/{uri[len(prefix) :]}"
        return None

    def thing_for(self, doc_url: str) -> str | None:
        """The thing URI a ``/doc/`` URL describes, else None."""
        prefix = f"{self.base}/doc/"
        if doc_url.startswith(prefix):
            return f"{self.base}/id/{doc_url[len(prefix) :]}"
        return None


# The named graphs of the dataset, by role. Each is described in DCAT in the metadata graph.
GRAPH_GZG = "gzg"  # own curated data (data/*.yaml, *.csv, *.ttl)
GRAPH_LBLOD = "lblod-bestuurseenheden"  # local governments imported from LBLOD
GRAPH_LOKET = "loket-gzg"  # the Loket's GZG measure, calls and themes (verbatim)
GRAPH_REFNIS = "refnis"  # Statbel REFNIS codes (Flemish subset) from vocab.belgif.be
GRAPH_ONTOLOGY = "ontology"  # ontology/gzg.ttl
GRAPH_METADATA = "metadata"  # DCAT catalogue describing the graphs above
GRAPH_STEWARDS = "stewards"  # projects written by data stewards through the API (kept by the build)
