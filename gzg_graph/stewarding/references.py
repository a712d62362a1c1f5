"""What a steward's project may refer to, read from ``data/`` as the build reads it.

The calls, themes, roles, building blocks and documents of ``data/``, and the organisation index of the
build (local governments of ``data/lblod/``, partners of ``partners.csv``): a project written through the
API is mapped by the same code, against the same references, as a row of ``projects.csv``. Read once per
state of ``data/`` (the files' modification times) and shared.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..mapping.organisations import OrganisationIndex
from ..sources import Context, Sources, read_sources
from ..uris import UriPolicy

_lock = threading.Lock()
_cache: dict[tuple[Path, str], tuple[float, References]] = {}


@dataclass(frozen=True)
class References:
    sources: Sources
    organisations: OrganisationIndex

    @classmethod
    def of(cls, data_dir: Path, uris: UriPolicy) -> References:
        """The references of ``data_dir`` (SourceError if a file is wrong), re-read when a file changed."""
        stamp = max((p.stat().st_mtime for p in data_dir.rglob("*") if p.is_file()), default=0.0)
        key = (data_dir.resolve(), uris.base)
        with _lock:
            cached = _cache.get(key)
            if cached is None or cached[0] != stamp:
                cached = (stamp, cls(read_sources(data_dir, uris), OrganisationIndex.from_data_dir(data_dir)))
                _cache[key] = cached
            return cached[1]

    @cached_property
    def call_numbers(self) -> dict[str, int]:
        """Call URI -> its number (the ``call`` column)."""
        return {call.uri: call.number for call in self.sources.calls}

    @cached_property
    def own_projects(self) -> frozenset[str]:
        """The ids of the projects of ``data/projects.csv``."""
        return frozenset(project.id for project in self.sources.projects)

    def context(self, projects: frozenset[str]) -> Context:
        """What the CSV readers check an uploaded file against (``projects``: the project ids it may name)."""
        src = self.sources
        return Context(
            documents=frozenset(d.id for d in src.documents),
            vocabulary=src.vocabulary,
            partners=frozenset(p.id for p in src.partners),
            building_blocks=frozenset(b.id for b in src.building_blocks),
            calls=frozenset(c.number for c in src.calls),
            projects=projects,
        )
