"""Full SHACL validation with pyshacl: the whole data graph against the shapes (the build's check)."""

from __future__ import annotations

from pyshacl import validate as pyshacl_validate
from rdflib import Dataset, Graph

from . import sparql_cache  # noqa: F401 - installs the parsed-SPARQL cache pyshacl's constraints use
from .report import ValidationReport, report_from_graph


def validate(
    data: Graph | Dataset, shapes: Graph, *, ontology: Graph | None = None, inference: str = "none"
) -> ValidationReport:
    """Validate ``data`` against ``shapes``; ``inference='rdfs'`` first applies RDFS over data + ontology."""
    if isinstance(data, Dataset):
        union = Graph()
        for graph in data.graphs():
            union += graph
        data = union
    _, report_graph, _ = pyshacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology if inference != "none" else None,
        inference=inference,
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        meta_shacl=False,
    )
    return report_from_graph(report_graph, shapes)
