"""The embedded store's files: one directory of snapshot generations, switched atomically.

``store_dir/CURRENT``                 names the live generation (replaced atomically with ``os.replace``)
``store_dir/gen-<id>/data.nq``        the named graphs as N-Quads
``store_dir/gen-<id>/manifest.json``  graph sizes, time of writing
``store_dir/.lock``                   the writers' lock (``flock``)

A generation is written under a temporary name, fsynced, renamed, and only then named by ``CURRENT``; a crash
at any point before that leaves the previous generation live, and leftovers are removed by the next writer.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import StoreError

CURRENT = "CURRENT"
LOCK = ".lock"
DATA = "data.nq"
MANIFEST = "manifest.json"


def open_directory(directory: Path, create: bool) -> None:
    """Check (or create) a store directory; every problem is one StoreError naming the directory."""
    if directory.exists() and not directory.is_dir():
        raise StoreError(f"{directory} is a file, not a store directory")
    if not create and read_current(directory) is None:
        raise StoreError(f"no store at {directory}: run `gzg build` first (or set GZG_STORE_DIR)")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(f"cannot create the store directory {directory}: {e.strerror}") from e


def read_current(directory: Path) -> str | None:
    """The live generation's name, or None when the directory holds no (complete) store."""
    try:
        name = (directory / CURRENT).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return name if name and (directory / name / DATA).is_file() else None


def load(directory: Path, generation: str) -> ox.Store:
    """A generation's quads in a new in-memory pyoxigraph store."""
    store = ox.Store()
    data_file = directory / generation / DATA
    try:
        store.bulk_load(path=str(data_file), format=ox.RdfFormat.N_QUADS)
    except (OSError, SyntaxError) as e:
        raise StoreError(f"cannot read snapshot {data_file}: {e}") from e
    for name in manifest(directory, generation).get("graphs", {}):  # empty graphs exist too (CREATE, CLEAR)
        store.add_graph(ox.NamedNode(name))
    return store


def write(directory: Path, quads: Iterable[ox.Quad], graph_sizes: Mapping[str, int]) -> str:
    """Write ``quads`` as a new generation and make it live; returns its name. The caller holds the lock."""
    generation = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    tmp = directory / f".tmp-{generation}"
    tmp.mkdir()
    data_file = tmp / DATA
    ox.serialize(quads, str(data_file), format=ox.RdfFormat.N_QUADS)
    manifest = {
        "generation": generation,
        "written": datetime.now(UTC).isoformat(timespec="seconds"),
        "quads": sum(graph_sizes.values()),
        "graphs": dict(graph_sizes),
    }
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    for path in (data_file, tmp / MANIFEST):
        _fsync_file(path)
    os.rename(tmp, directory / generation)
    _fsync_dir(directory)
    _write_current(directory, generation)
    _remove_stale(directory, keep=generation)
    return generation


def manifest(directory: Path, generation: str) -> dict[str, Any]:
    return dict(json.loads((directory / generation / MANIFEST).read_text(encoding="utf-8")))


@contextlib.contextmanager
def process_lock(directory: Path, name: str = LOCK, *, shared: bool = False) -> Iterator[None]:
    """An exclusive (or ``shared``) lock on the file ``name`` in ``directory``, across processes and threads
    (each holder opens the file itself, so threads of one process exclude each other too)."""
    with open(directory / name, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        except OSError as e:
            raise StoreError(f"cannot lock {directory}: {e}") from e
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_stale(directory: Path, keep: str) -> None:
    """Delete old generations and leftovers of interrupted writes (the caller holds the lock)."""
    for entry in directory.iterdir():
        if entry.is_dir() and entry.name != keep and entry.name.startswith(("gen-", ".tmp-")):
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.is_file() and entry.name.startswith(f".{CURRENT}."):  # a pointer switch cut short
            entry.unlink(missing_ok=True)


def _write_current(directory: Path, generation: str) -> None:
    tmp = directory / f".{CURRENT}.{uuid.uuid4().hex[:8]}"
    tmp.write_text(generation + "\n", encoding="utf-8")
    _fsync_file(tmp)
    os.replace(tmp, directory / CURRENT)
    _fsync_dir(directory)


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
