"""The steward graph back to CSV: rows of ``projects.csv`` and ``participations.csv`` for a maintainer to fold
into ``data/``, and clearing the graph once that is done.

Each project is read back with the same code that reads a steward's document (``records``), so what is
exported is exactly what was stored (provenance aside, which ``data/`` keeps as its ``source`` column).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ..namespaces import SUBSIDIE
from ..sources import PARTICIPATIONS, PROJECTS, Participation, Project
from ..sources.own_data import PARTICIPATION_COLUMNS, PROJECT_COLUMNS
from ..store.base import Store
from ..uris import GRAPH_STEWARDS, UriPolicy
from ..validation import ValidationReport
from ..writes import update_validated
from .records import project_records
from .references import References
from .writing import project_triples, steward_graph


@dataclass(frozen=True)
class Exported:
    projects: tuple[Project, ...]
    participations: tuple[Participation, ...]
    files: tuple[Path, ...]


def records(store: Store, uris: UriPolicy, refs: References) -> list[tuple[Project, list[Participation]]]:
    """Every project of the steward graph as its CSV records, by id."""
    graph = steward_graph(store, uris)
    found = []
    for project in sorted(graph.subjects(RDF.type, SUBSIDIE.SubsidiemaatregelConsumptie), key=str):
        if not isinstance(project, URIRef):
            continue
        found.append(project_records(project_triples(graph, project, uris), project, uris, refs))
    return found


def export_csv(store: Store, uris: UriPolicy, refs: References, directory: Path) -> Exported:
    """Write ``projects.csv`` and ``participations.csv`` (the columns of data/) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    found = records(store, uris, refs)
    projects = tuple(project for project, _ in found)
    participations = tuple(row for _, rows in found for row in rows)
    files = (directory / PROJECTS, directory / PARTICIPATIONS)
    _write(files[0], PROJECT_COLUMNS, [_project_row(p) for p in projects])
    _write(files[1], PARTICIPATION_COLUMNS, [_participation_row(p) for p in participations])
    return Exported(projects, participations, files)


def clear(store: Store, shapes: Graph, uris: UriPolicy) -> ValidationReport | None:
    """Drop the steward graph (validated: nothing else may depend on its projects)."""
    name = str(uris.graph(GRAPH_STEWARDS))
    _, report = update_validated(store, f"DROP SILENT GRAPH <{name}>", shapes)
    return report


def _write(path: Path, columns: Sequence[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _project_row(project: Project) -> dict[str, str]:
    return {
        "id": project.id,
        "title": project.title,
        "call": _text(project.call),
        "theme": _text(project.theme),
        "description": _text(project.description),
        "requested_amount": _amount(project.requested_amount),
        "estimated_cost": _amount(project.estimated_cost),
        "granted_amount": _amount(project.granted_amount),
        "start_date": _text(project.start_date),
        "end_date": _text(project.end_date),
        "building_blocks": " ".join(project.building_blocks),
        "status": _text(project.status),
        "municipalities_using_result": _text(project.municipalities_using_result),
        "source": " ".join(project.source),
    }


def _participation_row(row: Participation) -> dict[str, str]:
    return {
        "project": row.project,
        "organisation": row.organisation,
        "role": row.role,
        "description": _text(row.description),
        "source": " ".join(row.source),
    }


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _amount(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")
