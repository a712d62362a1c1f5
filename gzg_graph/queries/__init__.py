"""Named SPARQL queries, one ``.rq`` file each, loaded by name.

Every file starts with a comment saying what it answers; ``PREFIX`` lines are written out in the file so
it can be pasted into any SPARQL endpoint as is.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load(name: str) -> str:
    """The text of ``gzg_graph/queries/{name}.rq``; raises FileNotFoundError for an unknown name."""
    resource = resources.files(__package__).joinpath(f"{name}.rq")
    if not resource.is_file():
        raise FileNotFoundError(f"no query named {name!r} (known: {', '.join(names())})")
    return resource.read_text(encoding="utf-8")


def names() -> list[str]:
    """The names of all shipped queries."""
    return sorted(p.name[:-3] for p in resources.files(__package__).iterdir() if p.name.endswith(".rq"))
