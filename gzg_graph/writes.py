"""Guarded writes: data reaches the store only after it passed the shapes, as a change to the graph.

The build replaces everything (``build.py``); this is the path for adding data to a graph that is
already there (a steward's file, and later the API's updates).
"""

from __future__ import annotations

import logging

from rdflib import Graph

from .store.base import Store
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
