#!/usr/bin/env python3
"""Derive ``data/lblod/`` from the reference copies in ``../shared`` (LBLOD, REFNIS, Statbel crosswalk).

Usage::

    python scripts/derive_lblod_data.py [--shared ../shared] [--out data/lblod]

Why a script: the graph must not need ``../shared`` at run time, yet every fact in ``data/lblod/`` has to be
traceable to a public source. This script is that trace. The derivation rules live in the library
(``gzg_graph/lblod_sync/``: ``rules.py``, ``events.py``, ``derivation.py``), shared with ``gzg lblod import``,
which maps a newer export of the same files straight into the store. The output is deterministic (sorted rows,
sorted Turtle), so ``tests/test_lblod.py`` re-runs this script into a temporary directory and compares byte for
byte.

What it writes (see ``data/lblod/SOURCES.md`` for the upstream origin of every input):

* ``local-governments.csv``: one row per LBLOD bestuurseenheid of ``lblod/bestuurseenheden-vlaanderen.csv``
  plus district Borsbeek (2025), with the current (2025) name, NIS 2019/2025 codes of the werkingsgebied,
  validity dates where a source gives them and the predecessors of merged units;
* ``name-history.csv``: the names of the units LBLOD renamed on the 2025 mergers while keeping their URI;
* ``refnis-flanders.ttl``: the Flemish subset of REFNIS 2019 and 2025;
* ``bestuurseenheid-classificatiecodes.ttl``: the classification concepts of the three LBLOD code lists;
* verbatim copies of ``gzg-subsidiemaatregel-loket.ttl`` and ``lblod-op-fusies-2025-change-events.ttl``.

Unlike ``gzg lblod import``, the script also checks the municipalities against Statbel's crosswalk
(``data-sources/flemish_municipalities_2019_2024_to_2025.csv``). Every disagreement between sources that a rule
resolves is printed as a note and listed in ``data/lblod/SOURCES.md``; any other inconsistency makes the script
fail instead of writing a doubtful file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gzg_graph.errors import GzgError
from gzg_graph.lblod_sync import ExportFiles, Inputs, derive

REPO = Path(__file__).resolve().parents[1]

#: imported by the graph as it is, copied byte for byte (the change events are copied by the derivation).
LOKET = "gzg-subsidiemaatregel-loket.ttl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the reference folder (../shared)")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "lblod", help="where to write (data/lblod)")
    args = parser.parse_args(argv)
    try:
        derived = derive(Inputs.read(ExportFiles.shared(args.shared)))
    except GzgError as e:
        print(f"derive_lblod_data: {e}", file=sys.stderr)
        return 1
    files = {**derived.files, LOKET: (args.shared / "lblod" / LOKET).read_bytes()}
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (args.out / name).write_bytes(content)
        print(f"wrote {args.out / name} ({len(content)} bytes)")
    for note in derived.notes:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
