"""An LBLOD export as files (the formats of ``../shared/lblod``): which file is which, read once, precisely.

Each file has a role known by its name (LBLOD's own file names, kept in ``../shared/lblod``), so a newer export
is a folder of files with the same names. Reading goes through the library's readers: a CSV problem names file
and line, a Turtle syntax error file, line and column (:class:`~gzg_graph.errors.SourceError`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.term import Node

from ..errors import GzgError, SourceError
from ..sources.csv_files import CsvRow, read_csv
from ..sources.rdf import parse_turtle

EXT = Namespace("http://mu.semte.ch/vocabularies/ext/")
BESLUIT = Namespace("http://data.vlaanderen.be/ns/besluit#")
LBLOD_ORG = Namespace("http://lblod.data.gift/vocabularies/organisatie/")
SCHEMA_HTTPS = Namespace("https://schema.org/")  # REFNIS uses https://schema.org/ for its dates
REFNIS2019 = "http://vocab.belgif.be/auth/refnis2019/"
REFNIS2025 = "http://vocab.belgif.be/auth/refnis2025/"
REFNIS1995 = "http://vocab.belgif.be/auth/refnis1995/"
FLANDERS_CODE = "2000"  # REFNIS notation of Vlaams Gewest (written 02000 in some lists)
PROVINCE_CODES = ("10000", "20001", "30000", "40000", "70000")

# The export's files (their upstream repo:path@commit is in data/lblod/SOURCES.md).
S_UNITS = "bestuurseenheden-vlaanderen.csv"
S_CSV_2023 = "bestuurseenheden-lpdc-2023.ttl"
S_FUSIES = "bestuurseenheden-fusies-2025.ttl"
S_WG = "werkingsgebieden.ttl"
S_NIS2019 = "bestuurseenheden-werkingsgebieden-to-refnis2019.ttl"
S_OP_NEW = "lblod-op-fusies-2025-nieuwe-gemeenten-ocmws.ttl"
S_LMB = "lblod-lmb-fusies-2025-nieuwe-bestuurseenheden.ttl"
S_NUTS = "lblod-lpdc-fusies-2025-werkingsgebieden-nuts.ttl"
S_WG2025 = "lblod-op-fusies-2025-werkingsgebieden-refnis2025.ttl"
S_EVENTS = "lblod-op-fusies-2025-change-events.ttl"
S_BORSBEEK = "lblod-lpdc-district-borsbeek-2025.ttl"
S_SUBSIDIEPUNT = "lblod-subsidiepunt-fusies-2025-kbo-ovo.ttl"
S_R2019, S_R2025 = "refnis2019.ttl", "refnis2025.ttl"
CLASSIFICATION_FILES = (
    "bestuurseenheid-classificatiecode-2018.ttl",
    "bestuurseenheid-classificatiecode-2020.ttl",
    "bestuurseenheid-classificatiecode-op-2021.ttl",
)
#: Statbel's crosswalk of the municipalities 2019-2024 -> 2025 (``../shared/data-sources``): not LBLOD's, so
#: optional; when given, the derived municipalities are checked against it.
CROSSWALK = "flemish_municipalities_2019_2024_to_2025.csv"
#: Every file the derivation reads.
REQUIRED = (
    S_UNITS,
    S_CSV_2023,
    S_FUSIES,
    S_OP_NEW,
    S_LMB,
    S_NUTS,
    S_WG2025,
    S_EVENTS,
    S_BORSBEEK,
    S_SUBSIDIEPUNT,
    S_R2019,
    S_R2025,
    *CLASSIFICATION_FILES,
)
#: Files of the export the derivation does not read: their facts reach it through bestuurseenheden-vlaanderen.csv
#: (werkingsgebieden, NIS 2019, identifiers) or they belong to another graph (the Loket's measure).
NOT_READ = (
    S_WG,
    S_NIS2019,
    "bestuurseenheden-identifiers-sites-wegwijs.ttl",
    "gzg-subsidiemaatregel-loket.ttl",
    "gzg-oproep7-aanvraagformulier.form.ttl",
    "SOURCES.md",
)
UNIT_COLUMNS = (
    "uri",
    "label",
    "classification_uri",
    "classification_label",
    "kbo",
    "ovo",
    "werkingsgebied",
    "werkingsgebied_label",
    "nis_refnis2019",
    "province_label",
    "was_derived_from",
)


class DerivationError(GzgError):
    """The export's files contradict each other in a way no documented derivation rule resolves."""


@dataclass(frozen=True)
class ExportFiles:
    """The files of one export by name, and the ones given that the derivation does not read."""

    paths: dict[str, Path]
    ignored: tuple[Path, ...] = ()

    @classmethod
    def of(cls, given: Iterable[Path]) -> ExportFiles:
        """Files (a folder stands for its files) sorted into the export's roles by name; SourceError when a
        name is unknown, given twice or a required file is missing."""
        paths: dict[str, Path] = {}
        ignored: list[Path] = []
        for path in _expand(given):
            if path.name in NOT_READ:
                ignored.append(path)
            elif path.name not in (*REQUIRED, CROSSWALK):
                raise SourceError(path, f"not a file of an LBLOD export; expected: {', '.join(REQUIRED)}")
            elif path.name in paths:
                raise SourceError(path, f"given twice (also {paths[path.name]})")
            else:
                paths[path.name] = path
        missing = [name for name in REQUIRED if name not in paths]
        if missing:
            raise SourceError(", ".join(missing), "missing from the LBLOD export (give every file of the export)")
        return cls(paths, tuple(ignored))

    @classmethod
    def shared(cls, shared: Path) -> ExportFiles:
        """The export in ``../shared``: its ``lblod/`` folder plus Statbel's crosswalk."""
        return cls.of([shared / "lblod", shared / "data-sources" / CROSSWALK])


def _expand(given: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in given:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise SourceError(path, "file not found")
    return found


@dataclass
class Refnis:
    """One REFNIS version: concepts by notation, with their Flemish province."""

    graph: Graph
    namespace: str

    def concept(self, code: str) -> URIRef:
        return URIRef(self.namespace + code)

    def has(self, code: str) -> bool:
        return (self.concept(code), RDF.type, SKOS.Concept) in self.graph

    def label_nl(self, code: str) -> str:
        labels = [
            str(lit)
            for lit in self.graph.objects(self.concept(code), SKOS.prefLabel)
            if isinstance(lit, Literal) and lit.language == "nl"
        ]
        return labels[0] if labels else ""

    def chain(self, code: str) -> list[str]:
        """The notations on the skos:broader path from ``code`` up to the top (inclusive).

        Falls back to the inverse of skos:narrower: REFNIS 2025 gives Wingene (37021) no skos:broader.
        """
        path: list[str] = []
        node: Node | None = self.concept(code)
        while node is not None and len(path) < 10:
            path.append(str(node)[len(self.namespace) :])
            node = self.graph.value(node, SKOS.broader) or self.graph.value(None, SKOS.narrower, node)
        return path

    def province(self, code: str) -> str | None:
        """The Flemish province (REFNIS code) a municipality or province code lies in, else None."""
        return next((c for c in self.chain(code) if c in PROVINCE_CODES), None)

    def is_flemish(self, code: str) -> bool:
        return FLANDERS_CODE in self.chain(code)


def province_label(refnis: Refnis, province_code: str) -> str:
    """'Provincie Vlaams-Brabant' -> 'Vlaams-Brabant' (LBLOD's labels of the province units)."""
    return refnis.label_nl(province_code).removeprefix("Provincie ")


def code_2025_for(r2019: Refnis, r2025: Refnis, code: str) -> str | None:
    """The REFNIS-2025 code that continues a 2019 code: an exact match, or the same code re-scoped.

    Same-code re-scoping: Antwerpen 11002 (+ Borsbeek) and the provinces 10000 / 40000 (Zwijndrecht moved)
    keep their code while REFNIS 2025 links it with narrowMatch / broadMatch instead of exactMatch.
    """
    old = r2019.concept(code)
    exact = [s for s in r2025.graph.subjects(SKOS.exactMatch, old) if str(s).startswith(r2025.namespace)]
    if len(exact) == 1:
        return str(exact[0])[len(r2025.namespace) :]
    same = r2025.concept(code)
    if (same, SKOS.narrowMatch, old) in r2025.graph or (same, SKOS.broadMatch, old) in r2025.graph:
        return code
    return None


@dataclass
class Inputs:
    """Everything the derivation reads, parsed once; ``units`` keep their CSV lines for error messages."""

    files: ExportFiles
    units: list[CsvRow]
    fusies: Graph
    lpdc_2023: Graph
    op_new: Graph
    lmb: Graph
    nuts: Graph
    wg2025: Graph
    events: Graph
    borsbeek: Graph
    subsidiepunt: Graph
    r2019: Refnis
    r2025: Refnis
    classifications: list[Graph] = field(default_factory=list)
    crosswalk: list[dict[str, str]] | None = None

    @classmethod
    def read(cls, files: ExportFiles) -> Inputs:
        path = files.paths
        crosswalk = path.get(CROSSWALK)
        return cls(
            files=files,
            units=list(read_csv(path[S_UNITS], UNIT_COLUMNS, allow_extra=True)),
            fusies=parse_turtle(path[S_FUSIES]),
            lpdc_2023=parse_turtle(path[S_CSV_2023]),
            op_new=parse_turtle(path[S_OP_NEW]),
            lmb=parse_turtle(path[S_LMB]),
            nuts=parse_turtle(path[S_NUTS]),
            wg2025=parse_turtle(path[S_WG2025]),
            events=parse_turtle(path[S_EVENTS]),
            borsbeek=parse_turtle(path[S_BORSBEEK]),
            subsidiepunt=parse_turtle(path[S_SUBSIDIEPUNT]),
            r2019=Refnis(parse_turtle(path[S_R2019]), REFNIS2019),
            r2025=Refnis(parse_turtle(path[S_R2025]), REFNIS2025),
            classifications=[parse_turtle(path[name]) for name in CLASSIFICATION_FILES],
            crosswalk=[row.values for row in read_csv(crosswalk, (), allow_extra=True)] if crosswalk else None,
        )
