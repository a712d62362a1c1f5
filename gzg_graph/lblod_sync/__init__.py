"""Keeping in step with LBLOD: a newer LBLOD export derived, compared with the store, validated and imported;
our organisations reconciled with the LBLOD units.

``export`` reads the export's files, ``rules``/``events``/``derivation`` derive ``data/lblod/``'s files from
them (shared with ``scripts/derive_lblod_data.py``), ``changes`` compares two LBLOD graphs unit by unit,
``importing`` replaces the store's LBLOD graph, ``reconcile`` links what our data names to the LBLOD units.
"""

from .derivation import LBLOD_GRAPH_FILES, Derived, derive
from .export import DerivationError, ExportFiles, Inputs

__all__ = ["LBLOD_GRAPH_FILES", "DerivationError", "Derived", "ExportFiles", "Inputs", "derive"]
