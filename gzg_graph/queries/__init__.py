"""Named SPARQL queries, one ``.rq`` file each, loaded by name.

Every file starts with a comment saying what it answers; ``PREFIX`` lines are written out in the file so
it can be pasted into any SPARQL endpoint as is. Our own URIs in them are written with the default base
(:data:`DEFAULT_BASE`); :func:`load` with ``base=`` rebases them for a graph built under another base.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

DEFAULT_BASE = "http://127.0.0.1:8000"


def load(name: str, base: str | None = None) -> str:
    """The text of ``gzg_graph/queries/{name}.rq``, rebased on ``base``; FileNotFoundError for an unknown name."""
    return rebase(_read(name), base) if base else _read(name)


def rebase(sparql: str, base: str) -> str:
    """Replace the default base in a query's IRIs with the base the graph was built with."""
    return sparql if base == DEFAULT_BASE else sparql.replace(f"<{DEFAULT_BASE}/", f"<{base}/")


@cache
def _read(name: str) -> str:
    resource = resources.files(__package__).joinpath(f"{name}.rq")
    if not resource.is_file():
        raise FileNotFoundError(f"no query named {name!r} (known: {', '.join(names())})")
    return resource.read_text(encoding="utf-8")


def names() -> list[str]:
    """The names of all shipped queries."""
    return sorted(p.name[:-3] for p in resources.files(__package__).iterdir() if p.name.endswith(".rq"))
