"""The embedded store's files: one directory of snapshot generations, switched atomically.

``store_dir/CURRENT``                  names the live generation (replaced atomically with ``os.replace``)
``store_dir/gen-<id>/manifest.json``   graph sizes, time of writing, and for a delta its ``parent``
``store_dir/gen-<id>/graph-<n>.nt``    a *base* generation: each named graph as N-Triples (``files``)
``store_dir/gen-<id>/data.nq``         a base written before the per-graph files: the named graphs as N-Quads
``store_dir/gen-<id>/added.nq``        a *delta* generation: the quads its write added to its parent,
``store_dir/gen-<id>/removed.nq``      and those it removed (both exact: new, respectively present, quads)
``store_dir/.lock``                    the writers' lock (``flock``)

Why deltas: a small write to a large store must cost what it changes. A write of 1,000 triples is one small
delta generation, and a reader that holds the parent applies it instead of loading the whole store again.
The writer writes a new base instead once the chain of deltas grows (:data:`MAX_CHAIN`,
:data:`MAX_DELTA_SHARE`), so loading from files stays about as fast as loading one base.

A generation is written under a temporary name, fsynced, renamed, and only then named by ``CURRENT``; a crash
at any point before that leaves the previous generation live, and leftovers are removed by the next writer,
which keeps the generations that the live one and the one before it are built from.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import StoreError

CURRENT = "CURRENT"
LOCK = ".lock"
DATA = "data.nq"
MANIFEST = "manifest.json"
ADDED = "added.nq"
REMOVED = "removed.nq"
#: A delta chain longer than this, or whose deltas hold more than this share of the base's quads, is
#: replaced by a new base at the next write.
MAX_CHAIN = 32
MAX_DELTA_SHARE = 0.25


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
    return name if name and (directory / name / MANIFEST).is_file() else None


def manifest(directory: Path, generation: str) -> dict[str, Any]:
    try:
        return dict(json.loads((directory / generation / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError) as e:
        raise StoreError(f"cannot read the manifest of {directory / generation}: {e}") from e


def chain(directory: Path, generation: str) -> list[str]:
    """The generations ``generation`` is built from: its base first, itself last."""
    names = [generation]
    while parent := manifest(directory, names[-1]).get("parent"):
        names.append(parent)
    return names[::-1]


def load(directory: Path, generation: str) -> ox.Store:
    """A generation's named graphs in a new in-memory pyoxigraph store (the merge is the caller's)."""
    names = chain(directory, generation)
    store = ox.Store()
    base = manifest(directory, names[0])
    files: list[tuple[str, ox.NamedNode | None]] = (
        # a base of the first format has no "files"; one of an emptied store has none in it
        [(DATA, None)] if "files" not in base else [(f, ox.NamedNode(g)) for g, f in base["files"].items()]
    )
    for file_name, graph in files:
        data_file = directory / names[0] / file_name
        try:
            load_keeping_labels(store, data_file.read_bytes(), graph)
        except (OSError, SyntaxError) as e:
            raise StoreError(f"cannot read snapshot {data_file}: {e}") from e
    for name in base.get("graphs", {}):  # empty graphs exist too (CREATE, CLEAR)
        store.add_graph(ox.NamedNode(name))
    for name in names[1:]:
        added, removed, graphs = read_delta(directory, name)
        for quad in removed:
            store.remove(quad)
        store.extend(added)
        for dropped in set(store.named_graphs()) - {ox.NamedNode(g) for g in graphs}:
            store.remove_graph(dropped)
        for g in graphs:
            store.add_graph(ox.NamedNode(g))
    return store


def load_keeping_labels(store: ox.Store, data: bytes, graph: ox.NamedNode | None) -> None:
    """Load N-Triples into ``graph`` (N-Quads when None) with the engine's bulk loader, but the lines that name
    a blank node by parsing them: the loader gives blank nodes new labels, and a delta written by another
    process names them by the labels the writer's store has (which are those of the files it loaded)."""
    fmt = ox.RdfFormat.N_QUADS if graph is None else ox.RdfFormat.N_TRIPLES
    if b"_:" not in data:
        store.bulk_load(input=data, format=fmt, to_graph=graph)
        return
    lines = data.splitlines(keepends=True)
    store.bulk_load(input=b"".join(line for line in lines if b"_:" not in line), format=fmt, to_graph=graph)
    named = ox.parse(b"".join(line for line in lines if b"_:" in line), format=fmt)
    if graph is None:
        store.extend(list(named))
    else:
        store.extend([ox.Quad(q.subject, q.predicate, q.object, graph) for q in named])


def read_delta(directory: Path, generation: str) -> tuple[list[ox.Quad], list[ox.Quad], dict[str, int]]:
    """A delta generation's added and removed quads, and the graph sizes after it."""
    parts = []
    for file_name in (ADDED, REMOVED):
        path = directory / generation / file_name
        try:
            parts.append(list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)))
        except (OSError, SyntaxError) as e:
            raise StoreError(f"cannot read snapshot {path}: {e}") from e
    return parts[0], parts[1], dict(manifest(directory, generation).get("graphs", {}))


def write_base(directory: Path, graph_sizes: Mapping[str, int], write_graph: Callable[[str, Path], object]) -> str:
    """Write a base generation and make it live; ``write_graph(name, path)`` writes one graph as N-Triples.
    The caller holds the lock."""
    files = {name: f"graph-{number}.nt" for number, name in enumerate(graph_sizes)}

    def fill(tmp: Path) -> list[Path]:
        for name, file_name in files.items():
            write_graph(name, tmp / file_name)
        return [tmp / f for f in files.values()]

    return _write(directory, fill, {"graphs": dict(graph_sizes), "files": files})


def write_delta(
    directory: Path, parent: str, added: Sequence[ox.Quad], removed: Sequence[ox.Quad], graph_sizes: Mapping[str, int]
) -> str:
    """Write a delta generation on ``parent`` and make it live. The caller holds the lock."""

    def fill(tmp: Path) -> list[Path]:
        ox.serialize(added, str(tmp / ADDED), format=ox.RdfFormat.N_QUADS)
        ox.serialize(removed, str(tmp / REMOVED), format=ox.RdfFormat.N_QUADS)
        return [tmp / ADDED, tmp / REMOVED]

    extra = {"parent": parent, "added": len(added), "removed": len(removed), "graphs": dict(graph_sizes)}
    return _write(directory, fill, extra)


def needs_new_base(directory: Path, generation: str | None, change: int) -> bool:
    """Whether a write of ``change`` quads on ``generation`` should write a new base instead of a delta."""
    if generation is None:
        return True
    names = chain(directory, generation)
    base = manifest(directory, names[0])
    deltas = [manifest(directory, name) for name in names[1:]]
    changed = change + sum(d.get("added", 0) + d.get("removed", 0) for d in deltas)
    return len(names) > MAX_CHAIN or changed > MAX_DELTA_SHARE * max(base.get("quads", 0), 1000)


def _write(directory: Path, fill: Callable[[Path], list[Path]], extra: Mapping[str, Any]) -> str:
    generation = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    tmp = directory / f".tmp-{generation}"
    tmp.mkdir()
    data_files = fill(tmp)
    content = {
        "generation": generation,
        "written": datetime.now(UTC).isoformat(timespec="seconds"),
        "quads": sum(extra["graphs"].values()),
        **extra,
    }
    (tmp / MANIFEST).write_text(json.dumps(content, indent=2), encoding="utf-8")
    for path in [*data_files, tmp / MANIFEST]:
        _fsync_file(path)
    os.rename(tmp, directory / generation)
    _fsync_dir(directory)
    previous = read_current(directory)
    _write_current(directory, generation)
    keep = set(chain(directory, generation))
    with contextlib.suppress(StoreError):  # the one before: readers may still be loading it
        keep |= set(chain(directory, previous)) if previous else set()
    _remove_stale(directory, keep)
    return generation


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


def _remove_stale(directory: Path, keep: set[str]) -> None:
    """Delete old generations and leftovers of interrupted writes (the caller holds the lock)."""
    for entry in directory.iterdir():
        if entry.is_dir() and entry.name not in keep and entry.name.startswith(("gen-", ".tmp-")):
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


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
