"""Projects written by data stewards, next to the ones built from ``data/``.

A steward (named, with a token of their own) creates, replaces or deletes one project with its consortium,
sent as Turtle or JSON-LD (``records``: the document read back into the records of ``projects.csv`` and
``participations.csv``) or as rows of those CSV files. What is stored is exactly what the build would map
from those rows, in a named graph of its own (``{base}/id/dataset/stewards``), validated incrementally
before it is committed (``writing``). ``gzg build`` keeps that graph; ``export`` writes it back as CSV rows
so a maintainer can fold the projects into ``data/`` and then clear the graph.
"""

from .export import clear, export_csv
from .records import described_projects, parse_document
from .references import References
from .stewards import Steward, configured_stewards, identify
from .writing import Prepared, ProjectInOwnData, check, commit, delete_project, prepare, prepare_rows, write

__all__ = [
    "Prepared",
    "ProjectInOwnData",
    "References",
    "Steward",
    "check",
    "clear",
    "commit",
    "configured_stewards",
    "delete_project",
    "described_projects",
    "export_csv",
    "identify",
    "parse_document",
    "prepare",
    "prepare_rows",
    "write",
]
