"""The embedded store: pyoxigraph in memory, made durable by atomic snapshots on disk.

Why in memory and not pyoxigraph's on-disk RocksDB store: measured on this project's machine
(``benchmarks/store_modes.py``), joins and aggregates run several times faster in memory while
loading is about as fast either way, and the whole GZG graph fits in memory many times over.
Durability comes from the snapshot directory instead:

``store_dir/CURRENT``            names the live generation (replaced atomically with ``os.replace``)
``store_dir/gen-<id>/data.nq``   the dataset as N-Quads
``store_dir/gen-<id>/manifest.json``  graph sizes, time of writing

A write builds the new state in a staging in-memory store, writes a new generation, fsyncs it, then
switches ``CURRENT``. A crash at any point before that switch leaves the previous generation live; a
restart loads the generation ``CURRENT`` names, so committed data is never lost. Writers from several
processes are serialised by an exclusive ``flock`` on ``store_dir/.lock``; a reading process picks up a
newer generation with :meth:`EmbeddedStore.refresh`.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from ..errors import QueryError, ResultTooLarge, SourceError, StoreError
from ..formats import RdfFormat, ResultFormat
from ..terms import to_oxigraph, to_oxigraph_resource, to_rdflib
from .base import Bindings, GraphInfo, QueryResult, Store, Triple, detect_query_kind

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
LOCK = ".lock"
DATA = "data.nq"
MANIFEST = "manifest.json"


class EmbeddedStore(Store):
    """pyoxigraph in memory; durable when given a directory, ephemeral (for tests) without one."""

    def __init__(
        self,
        directory: Path | str | None = None,
        *,
        prefixes: Mapping[str, str] | None = None,
        create: bool = True,
        max_result_bytes: int | None = None,
    ):
        """``create=False`` (for commands that only read) refuses a directory that holds no store rather
        than creating an empty one; ``max_result_bytes`` bounds what one query may serialise."""
        self.directory = Path(directory) if directory is not None else None
        self.prefixes = dict(prefixes or {})
        self.max_result_bytes = max_result_bytes
        self._write_lock = threading.RLock()
        self._lock_depth = 0
        self._generation: str | None = None
        self._store = ox.Store()
        if self.directory is not None:
            _open_directory(self.directory, create)
            self.refresh()

    # ---------------------------------------------------------------- reading

    def query(
        self,
        sparql: str,
        result_format: ResultFormat | RdfFormat | None = None,
        *,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        bindings: Bindings | None = None,
    ) -> QueryResult:
        kind = detect_query_kind(sparql)
        if kind == "update":
            raise QueryError("not a query (SELECT, ASK, CONSTRUCT or DESCRIBE); updates go to update()")
        options: dict[str, Any] = {}
        if bindings:
            options["substitutions"] = {ox.Variable(name): to_oxigraph(value) for name, value in bindings.items()}
        if default_graphs is not None:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        else:
            options["use_default_graph_as_union"] = union_default_graph
        if named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            result = self._store.query(sparql, **options)
            return _serialise_result(result, kind, result_format, self.max_result_bytes)
        except SyntaxError as e:
            raise QueryError(f"SPARQL syntax error: {e}") from e
        except (OSError, ValueError, TypeError, RuntimeError) as e:  # e.g. an unknown function: RuntimeError
            raise QueryError(f"SPARQL evaluation error: {e}") from e

    def triples_from(self, subjects: Collection[Node], *, skip: Collection[URIRef] = ()) -> set[Triple]:
        skipped = {ox.NamedNode(p) for p in skip}
        found: set[Triple] = set()
        for subject in subjects:
            if isinstance(subject, Literal):
                continue
            for quad in self._store.quads_for_pattern(to_oxigraph_resource(subject), None, None, None):
                if quad.predicate not in skipped:
                    found.add((subject, URIRef(quad.predicate.value), to_rdflib(quad.object)))
        return found

    def triples_to(self, objects: Collection[Node], predicates: Collection[URIRef] | None = None) -> set[Triple]:
        found: set[Triple] = set()
        links = [ox.NamedNode(p) for p in predicates] if predicates is not None else [None]
        for node in objects:
            if isinstance(node, Literal):
                continue
            target = to_oxigraph(node)
            for link in links:
                for quad in self._store.quads_for_pattern(None, link, target, None):
                    if isinstance(quad.subject, ox.NamedNode):
                        found.add((URIRef(quad.subject.value), URIRef(quad.predicate.value), node))
        return found

    def graphs(self) -> list[GraphInfo]:
        infos = []
        for name in self._store.named_graphs():
            count = sum(1 for _ in self._store.quads_for_pattern(None, None, None, name))
            infos.append(GraphInfo(name.value, count))
        return sorted(infos, key=lambda g: g.name)

    def export(self, fmt: RdfFormat, graph: str | None = None) -> bytes:
        target = fmt.oxigraph
        if graph is not None:
            if ox.NamedNode(graph) not in set(self._store.named_graphs()):
                raise StoreError(f"no graph named <{graph}>")
            return _bytes(self._store.dump(format=target, from_graph=ox.NamedNode(graph), prefixes=self.prefixes))
        if fmt.is_dataset_format:
            return _bytes(self._store.dump(format=target, prefixes=self.prefixes))
        union = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        if not isinstance(union, ox.QueryTriples):  # pragma: no cover - a CONSTRUCT always gives triples
            raise StoreError("the union of the graphs did not come back as triples")
        return _bytes(ox.serialize(union, format=target, prefixes=self.prefixes))

    def __len__(self) -> int:
        return len(self._store)

    @property
    def generation(self) -> str | None:
        """The id of the snapshot generation this store holds (None if ephemeral or empty)."""
        return self._generation

    def refresh(self) -> bool:
        """Load the generation ``CURRENT`` names if it is newer than ours; True if it changed."""
        if self.directory is None:
            return False
        current = _read_current(self.directory)
        if current is None or current == self._generation:
            return False
        fresh = ox.Store()
        data_file = self.directory / current / DATA
        try:
            fresh.bulk_load(path=str(data_file), format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError) as e:
            raise StoreError(f"cannot read snapshot {data_file}: {e}") from e
        self._store, self._generation = fresh, current
        return True

    # ---------------------------------------------------------------- writing

    def update(self, sparql: str) -> None:
        def apply(staging: ox.Store) -> None:
            try:
                staging.update(sparql)
            except SyntaxError as e:
                raise QueryError(f"SPARQL syntax error: {e}") from e
            except (OSError, ValueError) as e:
                raise QueryError(f"SPARQL update error: {e}") from e

        self._write(apply)

    def replace_graphs(self, graphs: Mapping[str, bytes], *, drop_others: bool = False) -> None:
        parsed = {name: _parse_ntriples(data, name) for name, data in graphs.items()}

        def apply(staging: ox.Store) -> None:
            if drop_others:
                staging.clear()
            for name, quads in parsed.items():
                staging.remove_graph(ox.NamedNode(name))
                staging.add_graph(ox.NamedNode(name))
                staging.extend(quads)

        self._write(apply, fresh=drop_others)

    def add(self, graph: str, ntriples: bytes) -> None:
        quads = _parse_ntriples(ntriples, graph)
        self._write(lambda staging: staging.extend(quads))

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's write lock (threads of this process and other processes alike), on the newest
        generation. Validation and commit inside one ``locked()`` block see and change the same state."""
        with self._write_lock:
            if self._lock_depth:
                self._lock_depth += 1
                try:
                    yield
                finally:
                    self._lock_depth -= 1
                return
            with self._process_lock():
                self._lock_depth = 1
                try:
                    self.refresh()  # another process may have written since we loaded
                    yield
                finally:
                    self._lock_depth = 0

    def _write(self, apply: Callable[[ox.Store], None], *, fresh: bool = False) -> None:
        """Apply a change to a staging copy, persist it as a new generation, then make it live."""
        with self.locked():
            staging = ox.Store()
            if not fresh:
                staging.extend(self._store)  # a copy: the live store is untouched until the switch
            apply(staging)
            generation = self._persist(staging)
            self._store, self._generation = staging, generation

    def _persist(self, staging: ox.Store) -> str | None:
        if self.directory is None:
            return None
        generation = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        target = self.directory / generation
        tmp = self.directory / f".tmp-{generation}"
        tmp.mkdir()
        data_file = tmp / DATA
        staging.dump(str(data_file), format=ox.RdfFormat.N_QUADS)
        manifest = {
            "generation": generation,
            "written": datetime.now(UTC).isoformat(timespec="seconds"),
            "quads": len(staging),
            "graphs": {
                g.value: sum(1 for _ in staging.quads_for_pattern(None, None, None, g)) for g in staging.named_graphs()
            },
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        for path in (data_file, tmp / MANIFEST):
            _fsync_file(path)
        os.rename(tmp, target)
        _fsync_dir(self.directory)
        _write_current(self.directory, generation)
        self._remove_stale(keep=generation)
        log.info("store %s: wrote generation %s (%d quads)", self.directory, generation, len(staging))
        return generation

    def _remove_stale(self, keep: str) -> None:
        """Delete old generations and leftovers of interrupted writes (we hold the process lock)."""
        if self.directory is None:
            return
        for entry in self.directory.iterdir():
            if entry.is_dir() and entry.name != keep and entry.name.startswith(("gen-", ".tmp-")):
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.is_file() and entry.name.startswith(f".{CURRENT}."):  # a pointer switch cut short
                entry.unlink(missing_ok=True)

    @contextlib.contextmanager
    def _process_lock(self) -> Iterator[None]:
        if self.directory is None:
            yield
            return
        with open(self.directory / LOCK, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX)
            except OSError as e:
                raise StoreError(f"cannot lock {self.directory}: {e}") from e
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def manifest(self) -> dict:
        """What the live generation's manifest says (empty for an ephemeral or empty store)."""
        if self.directory is None or self._generation is None:
            return {}
        return json.loads((self.directory / self._generation / MANIFEST).read_text(encoding="utf-8"))


def check_store_directory(directory: Path) -> None:
    """Raise StoreError unless ``directory`` holds a store (for reading it without loading it here)."""
    _open_directory(directory, create=False)


def _open_directory(directory: Path, create: bool) -> None:
    """Check (or create) a store directory; every problem is one StoreError naming the directory."""
    if directory.exists() and not directory.is_dir():
        raise StoreError(f"{directory} is a file, not a store directory")
    if not create and _read_current(directory) is None:
        raise StoreError(f"no store at {directory}: run `gzg build` first (or set GZG_STORE_DIR)")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(f"cannot create the store directory {directory}: {e.strerror}") from e


class _CappedBuffer(io.BytesIO):
    """A write target that refuses to grow past ``limit`` bytes, so a huge result stops early."""

    def __init__(self, limit: int | None):
        super().__init__()
        self.limit = limit

    def write(self, data: Any) -> int:
        if self.limit is not None and self.tell() + len(data) > self.limit:
            raise ResultTooLarge(f"the result is larger than {self.limit} bytes; narrow the query or add a LIMIT")
        return super().write(data)


def _serialise_result(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples,
    kind: str,
    fmt: ResultFormat | RdfFormat | None,
    limit: int | None = None,
) -> QueryResult:
    output = _CappedBuffer(limit)
    if isinstance(result, ox.QueryTriples):
        graph_format = fmt if isinstance(fmt, RdfFormat) else RdfFormat.TURTLE
        if graph_format.is_dataset_format and graph_format != RdfFormat.JSONLD:
            raise QueryError(f"a CONSTRUCT/DESCRIBE result is a graph; {graph_format.value} is a dataset format")
        result.serialize(output, format=graph_format.oxigraph)
        return QueryResult(kind, graph_format.value, output.getvalue())
    result_format = fmt if isinstance(fmt, ResultFormat) else ResultFormat.JSON
    result.serialize(output, format=result_format.oxigraph)
    return QueryResult(kind, result_format.value, output.getvalue())


def _bytes(serialised: bytes | None) -> bytes:
    """pyoxigraph's serialisers return bytes when given no output file, as everywhere here."""
    if serialised is None:  # pragma: no cover - only when an output file is given
        raise StoreError("the serialiser wrote to a file instead of returning bytes")
    return serialised


def _parse_ntriples(data: bytes, graph: str) -> list[ox.Quad]:
    """Parse before any write, so a syntax error never leaves a half-written graph."""
    target = ox.NamedNode(graph)
    try:
        return [
            ox.Quad(t.subject, t.predicate, t.object, target) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        ]
    except SyntaxError as e:
        raise SourceError(
            f"<data for graph {graph}>", str(e), line=getattr(e, "lineno", None), column=getattr(e, "offset", None)
        ) from e


def _read_current(directory: Path) -> str | None:
    try:
        name = (directory / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name if name and (directory / name / DATA).is_file() else None


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
