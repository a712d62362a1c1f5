"""Files a steward uploads on the stewards' page: Turtle, JSON-LD, or the CSV files of ``data/``.

Each file is told by its name (``.ttl``, ``.jsonld``/``.json``, ``.csv``); a CSV file by its header, which
is that of ``projects.csv`` or of ``participations.csv`` (both may come together; participations need their
projects). Every project the files hold becomes one prepared change (``writing``); errors name the file as
the steward called it, with line and column.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from ..errors import SourceError
from ..formats import RdfFormat
from ..sources import PARTICIPATIONS, PROJECTS, read_participations, read_projects
from ..sources.own_data import PARTICIPATION_COLUMNS, PROJECT_COLUMNS
from ..store.base import Store
from ..uris import UriPolicy
from .records import described_projects, parse_document
from .references import References
from .writing import Prepared, prepare, prepare_rows

RDF_FILES = {".ttl": RdfFormat.TURTLE, ".jsonld": RdfFormat.JSONLD, ".json": RdfFormat.JSONLD}


@dataclass(frozen=True)
class Upload:
    name: str  # as the steward's computer called it
    data: bytes


def prepare_uploads(
    store: Store, uris: UriPolicy, refs: References, uploads: list[Upload], current: Graph
) -> list[Prepared]:
    """The change every project of the files makes to the steward graph (``current``)."""
    if not uploads:
        raise SourceError("upload", "choose a Turtle (.ttl), JSON-LD (.jsonld) or CSV (.csv) file")
    prepared: list[Prepared] = []
    csv_files: dict[str, Upload] = {}
    for upload in uploads:
        suffix = Path(upload.name).suffix.lower()
        if suffix in RDF_FILES:
            prepared += _rdf(store, uris, refs, upload, RDF_FILES[suffix], current)
        elif suffix == ".csv":
            _file_kind(upload, csv_files)
        else:
            raise SourceError(upload.name, "not a Turtle (.ttl), JSON-LD (.jsonld, .json) or CSV (.csv) file")
    if csv_files:
        prepared += _csv(store, uris, refs, csv_files, current)
    seen = [p.project for p in prepared]
    twice = sorted({str(p) for p in seen if seen.count(p) > 1})
    if twice:
        raise SourceError("upload", f"the files describe <{twice[0]}> more than once")
    return prepared


def _rdf(
    store: Store, uris: UriPolicy, refs: References, upload: Upload, fmt: RdfFormat, current: Graph
) -> list[Prepared]:
    graph = parse_document(upload.data, fmt, uris, upload.name)
    projects = described_projects(graph, uris)
    if not projects:
        raise SourceError(upload.name, f"the file describes no project ({uris.id('project', '{id}')})")
    return [prepare(store, uris, refs, graph, project, current) for project in projects]


def _file_kind(upload: Upload, found: dict[str, Upload]) -> None:
    """File the upload as projects.csv or participations.csv, by its header."""
    header = upload.data.decode("utf-8-sig", errors="replace").splitlines()[:1]
    columns = tuple(c.strip() for c in header[0].replace(";", ",").split(",")) if header else ()
    kind = {PROJECT_COLUMNS: PROJECTS, PARTICIPATION_COLUMNS: PARTICIPATIONS}.get(columns)
    if kind is None:
        raise SourceError(
            upload.name,
            f"the header is neither that of {PROJECTS} ({','.join(PROJECT_COLUMNS)}) nor that of "
            f"{PARTICIPATIONS} ({','.join(PARTICIPATION_COLUMNS)})",
            line=1,
        )
    if kind in found:
        raise SourceError(upload.name, f"two {kind} files: {found[kind].name} and {upload.name}")
    found[kind] = upload


def _csv(store: Store, uris: UriPolicy, refs: References, files: dict[str, Upload], current: Graph) -> list[Prepared]:
    """Read the CSV files with the build's readers (in a folder of their own) and prepare each project."""
    if PROJECTS not in files:
        raise SourceError(files[PARTICIPATIONS].name, f"upload {PROJECTS} with it: participations need their projects")
    with tempfile.TemporaryDirectory(prefix="gzg-upload-") as folder:
        paths = {kind: Path(folder) / kind for kind in files}
        for kind, path in paths.items():
            path.write_bytes(files[kind].data)
        try:
            projects = read_projects(paths[PROJECTS], refs.context(frozenset()))
            ids = frozenset(p.id for p in projects)
            rows = read_participations(paths[PARTICIPATIONS], refs.context(ids)) if PARTICIPATIONS in paths else ()
            by_project = defaultdict(list)
            for row in rows:
                by_project[row.project].append(row)
            return [prepare_rows(store, uris, refs, p, by_project[p.id], current) for p in projects]
        except SourceError as e:  # named by the uploaded file, not the folder it was read from
            kind = Path(e.file).name if e.file.startswith(folder) else ""
            raise SourceError(files[kind].name if kind in files else e.file, e.detail, e.line, e.column) from None
