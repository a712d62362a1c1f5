"""Guarded writes: data reaches the store only after it passed the shapes, as a change to the graph.

The build replaces everything (``build.py``); this is the path for every other write: a steward's file
(``gzg load``), a SPARQL update and a Graph Store Protocol request (``/sparql``, ``/graph-store``). Each is
validated incrementally against the state it is committed to, under the store's write lock, and refused
as a whole, changing nothing, when the store with it would violate the shapes.
"""

from __future__ import annotations

import logging

from rdflib import Graph

from .store.base import Change, Store
from .store.updates import UsingDataset
from .validation import ValidationFailed, ValidationReport, validate_change

log = logging.getLogger(__name__)


def add_validated(store: Store, graph: str, data: Graph, shapes: Graph) -> ValidationReport:
    """Add ``data`` to named graph ``graph`` if the store with it still conforms; else raise, writing nothing."""
    triples = data.serialize(format="nt", encoding="utf-8")
    with store.locked():  # validated against the state it is committed to: no writer can come in between
        report = validate_change(data, None, store, shapes)
        if not report.conforms:
            log.warning("refused a write of %d triples to %s: %s", len(data), graph, report.summary("en"))
            raise ValidationFailed(report, f"refused, store unchanged: {report.summary('en')}")
        store.add(graph, triples)
    log.info("added %d triples to %s", len(data), graph)
    return report


def update_validated(
    store: Store, sparql: str, shapes: Graph, *, using: UsingDataset | None = None, base_iri: str | None = None
) -> tuple[Change, ValidationReport | None]:
    """Run a SPARQL update if the store after it still conforms; else raise ValidationFailed, writing nothing.

    Returns the change (triples added to and removed from the merge) and the validation report (None when
    the update changed nothing, so there was nothing to validate)."""
    reports: list[ValidationReport] = []

    def conforming(change: Change) -> None:
        if not change:
            return
        report = validate_change(change.added, change.removed, store, shapes)  # the live state: before
        if not report.conforms:
            log.warning("refused an update (+%d -%d): %s", len(change.added), len(change.removed), report.summary("en"))
            raise ValidationFailed(report, f"refused, store unchanged: {report.summary('en')}")
        reports.append(report)

    change = store.update(sparql, using=using, base_iri=base_iri, check=conforming)
    log.info("update: +%d -%d triples", len(change.added), len(change.removed))
    return change, (reports[0] if reports else None)
