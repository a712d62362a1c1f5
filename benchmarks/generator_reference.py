"""What benchmarks/generate.py takes from the real graph: the entities it refers to and the Dutch it writes.

Everything is read from the graph ``gzg_graph.build.assemble`` makes of data/ (never from ../shared), with the
library's own queries where it has one (the 300 municipalities of 2019-2024, the 285 of 2025, the calls with
their windows and maxima), so generated projects point at the real URIs and pass the real shapes. All lists are
sorted, so a seed gives the same output on every machine.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pyoxigraph import Quad, QuerySolutions, RdfFormat, Store
from pyoxigraph import parse as parse_rdf
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, SKOS, XSD

from gzg_graph import queries
from gzg_graph.build import assemble
from gzg_graph.config import Settings
from gzg_graph.namespaces import M8G, SUBSIDIE
from gzg_graph.uris import UriPolicy, slugify

REPO = Path(__file__).resolve().parents[1]
FUNCTION_WORDS = frozenset(
    [
        "aan",
        "als",
        "bij",
        "dat",
        "de",
        "die",
        "door",
        "een",
        "en",
        "het",
        "hun",
        "in",
        "is",
        "met",
        "naar",
        "of",
        "om",
        "op",
        "te",
        "tot",
        "van",
        "voor",
        "wordt",
        "zijn",
    ]
)
MERGERS = dt.date(2025, 1, 1)  # from this day the 285 municipalities of 2025, before it the 300 of 2019


@dataclass(frozen=True)
class Call:
    """A real call: its URI, number, themes, submission window and limits (maximum, duration or end date)."""

    uri: str
    number: int
    themes: tuple[str, ...]
    window: tuple[dt.date, dt.date]
    maximum: int
    max_years: int | None
    latest_end: dt.date | None


@dataclass(frozen=True)
class Reference:
    """The real entities generated projects refer to, and the real Dutch text they are written from."""

    base: str
    measure: str
    calls: tuple[Call, ...]
    municipalities_2019: tuple[tuple[str, str], ...]  # (LBLOD URI, participation slug), valid until 2024-12-31
    municipalities_2025: tuple[tuple[str, str], ...]  # valid from 2025-01-01
    partners: tuple[tuple[str, str], ...]  # the real partner organisations (supporting partners), with slugs
    building_blocks: tuple[str, ...]
    role_descriptions: dict[str, tuple[str, ...]]  # role slug -> the real participation descriptions of it
    description_lengths: tuple[int, ...]  # words of each real project and building-block description
    text: Text

    def municipalities_on(self, day: dt.date) -> tuple[tuple[str, str], ...]:
        """The municipalities that existed on ``day``: a consortium is formed of the units valid at its date."""
        return self.municipalities_2019 if day < MERGERS else self.municipalities_2025


class Text:
    """A first-order word chain over the real Dutch texts of data/: it writes text in their vocabulary."""

    def __init__(self, texts: list[str]) -> None:
        self.starts: list[str] = []
        self.next: dict[str, list[str]] = {}
        for text in texts:
            sentences = (s for line in text.splitlines() for s in re.split(r"(?<=[.!?])\s+", line.strip()))
            for sentence in sentences:  # a line is a paragraph, a heading or an item of a list
                words = [w for w in sentence.split() if w != "•"]
                if len(words) < 3:
                    continue
                self.starts.append(words[0])
                for word, following in zip(words, words[1:], strict=False):
                    self.next.setdefault(word, []).append(following)

    def words(self, rng, count: int) -> list[str]:
        """``count`` words from the chain; a word that ends a sentence of the sources starts a new sentence."""
        starts, chain, draw = self.starts, self.next, rng.random  # random() indexing: the hot loop of 10M triples
        word = starts[int(draw() * len(starts))]
        out = [word]
        for _ in range(count - 1):
            successors = chain.get(word) or starts
            word = successors[int(draw() * len(successors))]
            out.append(word)
        return out

    def description(self, rng, count: int) -> str:
        text = " ".join(self.words(rng, count)).rstrip(",;:")
        return text if text.endswith((".", "!", "?")) else text + "."

    def title(self, rng) -> str:
        """A few words of the chain, without figures, not ending on a function word ("Digitaal loket voor")."""
        words = []
        for word in self.words(rng, rng.randint(3, 7)):  # one sentence at most
            words.append(word.strip(".,;:!?()\"'“”‘’"))
            if word.endswith((".", "!", "?", ":")):
                break
        words = [w for w in words if w.isalpha()]
        while len(words) > 1 and words[-1].lower() in FUNCTION_WORDS:
            words.pop()
        text = " ".join(words) or "Project"
        return text[:1].upper() + text[1:]


def settings(base: str) -> Settings:
    return dataclasses.replace(Settings.from_env(), base_uri=base, data_dir=REPO / "data")


@lru_cache(maxsize=2)
def real_graphs(base: str) -> dict[str, Graph]:
    """The real graph, by named-graph name, as ``gzg build`` makes it of data/ (shared: do not change it)."""
    return assemble(settings(base))


@lru_cache(maxsize=2)
def reference(base: str) -> Reference:
    """The real entities and texts, read once per process from the graph of data/."""
    graphs = real_graphs(base)
    store = Store()  # the union of the named graphs, for the library's queries
    for graph in graphs.values():
        triples = parse_rdf(graph.serialize(format="nt", encoding="utf-8"), RdfFormat.N_TRIPLES)
        store.extend(Quad(t.subject, t.predicate, t.object) for t in triples)
    own, uris = graphs["gzg"], UriPolicy(base)  # calls' extra facts, partners, building blocks, projects
    return Reference(
        base=base,
        measure=str(graphs["loket-gzg"].value(predicate=RDF.type, object=SUBSIDIE.SubsidiemaatregelAanbod)),
        calls=_calls(store, own, uris),
        municipalities_2019=_municipalities(store, "municipalities-2019"),
        municipalities_2025=_municipalities(store, "municipalities-2025"),
        partners=_partners(own, uris),
        building_blocks=tuple(sorted(str(b) for b in own.subjects(RDF.type, uris.ns.Bouwsteen))),
        role_descriptions=_role_descriptions(own),
        description_lengths=_description_lengths(own, uris),
        text=Text(_texts(own)),
    )


def _select(store: Store, name: str) -> list[dict[str, str]]:
    result = store.query(queries.load(name))
    assert isinstance(result, QuerySolutions), f"{name} is not a SELECT query"
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def _municipalities(store: Store, query: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((row["unit"], slugify(row["name"])) for row in _select(store, query)))


def _calls(store: Store, graph: Graph, uris: UriPolicy) -> tuple[Call, ...]:
    """The calls with a maximum and a window (all seven today): the limits a generated project keeps to."""
    calls = []
    for row in _select(store, "calls"):
        if "maxAmount" not in row or "windowStart" not in row:
            continue
        node = URIRef(row["call"])
        duration = graph.value(node, uris.ns.maximaleLooptijd)
        years = re.fullmatch(r"P(\d+)Y", str(duration)) if duration is not None else None
        latest = graph.value(node, uris.ns.uiterlijkeEinddatum)
        calls.append(
            Call(
                uri=row["call"],
                number=int(row["number"]),
                themes=tuple(sorted(str(t) for t in graph.objects(node, DCTERMS.subject))),
                window=(_day(row["windowStart"]), _day(row["windowEnd"])),
                maximum=int(float(row["maxAmount"])),
                max_years=int(years.group(1)) if years else None,
                latest_end=latest.toPython() if isinstance(latest, Literal) and latest.datatype == XSD.date else None,
            )
        )
    return tuple(sorted(calls, key=lambda c: c.number))


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value[:10])


def _partners(graph: Graph, uris: UriPolicy) -> tuple[tuple[str, str], ...]:
    prefix = str(uris.id("organisatie", ""))
    found = {str(o) for o in graph.subjects(RDF.type, ORG.Organization) if str(o).startswith(prefix)}
    return tuple(sorted((uri, uri[len(prefix) :]) for uri in found))


def _role_descriptions(graph: Graph) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = {}
    for participation in graph.subjects(RDF.type, M8G.Participation):
        role = str(graph.value(participation, M8G.role)).rsplit("/", 1)[-1]
        for text in graph.objects(participation, DCTERMS.description):
            found.setdefault(role, set()).add(str(text))
    return {role: tuple(sorted(texts)) for role, texts in sorted(found.items())}


def _description_lengths(graph: Graph, uris: UriPolicy) -> tuple[int, ...]:
    """Words per description of the real projects and building blocks: things of the same kind and length."""
    described = [*graph.subjects(RDF.type, SUBSIDIE.SubsidiemaatregelConsumptie)]
    described += graph.subjects(RDF.type, uris.ns.Bouwsteen)
    lengths = [len(str(d).split()) for s in described for d in graph.objects(s, DCTERMS.description)]
    return tuple(sorted(lengths))


def _texts(graph: Graph) -> list[str]:
    """The real Dutch prose: every @nl description and definition of the graph and the seed texts of data/."""
    texts = {
        str(o)
        for p in (DCTERMS.description, SKOS.definition)
        for o in graph.objects(None, p)
        if isinstance(o, Literal) and o.language == "nl"
    }
    texts.update(path.read_text(encoding="utf-8") for path in (REPO / "data" / "sources").glob("*.txt"))
    return sorted(texts)
