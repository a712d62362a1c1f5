"""SHACL validation: loading the shapes, full validation (pyshacl), incremental validation of a change, and
reports in Dutch and English.

``shapes``: loading and analysing the shapes; ``full``: a whole graph (``compiled`` SPARQL finds the
suspects, ``suspects`` runs it, pyshacl validates them); ``incremental``: a change against
the store, validating only the nodes it touches; ``engine``: pyshacl driven for chosen focus nodes;
``report``: the report a data steward reads.
"""

from .full import validate, validate_ntriples
from .incremental import validate_change
from .report import SEVERITIES, ValidationFailed, ValidationReport, ValidationResult
from .shapes import load_shapes

__all__ = [
    "SEVERITIES",
    "ValidationFailed",
    "ValidationReport",
    "ValidationResult",
    "load_shapes",
    "validate",
    "validate_change",
    "validate_ntriples",
]
