"""The embedded store: pyoxigraph in memory, made durable by atomic snapshots on disk.

Why in memory and not pyoxigraph's on-disk RocksDB store: measured on this project's machine
(``benchmarks/store_modes.py``), joins and aggregates run several times faster in memory while
loading is about as fast either way, and the whole GZG graph fits in memory many times over.
Durability comes from the snapshot directory instead (:mod:`.snapshots`): a write works out its change
first (on a staging store holding only what it can affect, :mod:`.deltas`), writes it as a new generation
(a small delta on the live one, or a whole new base) and only then applies it to the live store, so a crash
never loses committed data or shows half a write. Writers from several processes are serialised by a file
lock; a reading process picks up a newer generation with :meth:`EmbeddedStore.refresh`, applying its deltas
in place when it holds the generation they start from.

The store's default graph holds the set merge of the named graphs (:mod:`.dataset`), so that a query
without a dataset sees each triple once, as SPARQL's RDF merge says.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import QueryError, StoreError
from ..formats import RdfFormat, ResultFormat
from ..terms import to_oxigraph, to_oxigraph_resource, to_rdflib
from . import deltas, snapshots
from .base import Bindings, Change, ChangeCheck, GraphInfo, QueryResult, Store, Triple, detect_query_kind
from .dataset import DEFAULT, merged_store, named_quads, remerge, resolve
from .remote_scope import scope_of
from .results import CappedBuffer, serialise_into
from .updates import UsingDataset, operations

log = logging.getLogger(__name__)


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
        self._gate = deltas.Gate()  # readers of this process against a delta applied in place
        if self.directory is not None:
            snapshots.open_directory(self.directory, create)
            self.refresh()

    @classmethod
    def holding(
        cls, quads: list[ox.Quad], graphs: Collection[str], *, prefixes: Mapping[str, str] | None = None
    ) -> EmbeddedStore:
        """An ephemeral store holding ``quads`` in ``graphs`` (named even when empty): a remote store's copy."""
        store = cls(prefixes=prefixes)
        for name in graphs:
            store._store.add_graph(ox.NamedNode(name))
        store._store.extend(quads)
        remerge(store._store)
        return store

    def lines(self, graph: str) -> set[bytes]:
        """One named graph as a set of N-Triples lines (blank node labels are the store's own)."""
        with self._gate.reading():
            return deltas.lines_of(self._store, ox.NamedNode(graph))

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
        base_iri: str | None = None,
    ) -> QueryResult:
        output = CappedBuffer(self.max_result_bytes)
        kind, media_type = self.query_into(
            output,
            sparql,
            result_format,
            union_default_graph=union_default_graph,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            bindings=bindings,
            base_iri=base_iri,
        )
        return QueryResult(kind, media_type, output.getvalue())

    def query_into(
        self,
        output: Any,
        sparql: str,
        result_format: ResultFormat | RdfFormat | None = None,
        *,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        bindings: Bindings | None = None,
        base_iri: str | None = None,
    ) -> tuple[str, str]:
        """Run a query, writing its result to ``output`` (``write(bytes)``) while the engine produces it;
        returns the kind of query and the media type. This is how a large result streams (see ``pool``)."""
        kind = detect_query_kind(sparql)
        if kind == "update":
            raise QueryError("not a query (SELECT, ASK, CONSTRUCT or DESCRIBE); updates go to update()")
        options: dict[str, Any] = {"base_iri": base_iri} if base_iri else {}
        if bindings:
            options["substitutions"] = {ox.Variable(name): to_oxigraph(value) for name, value in bindings.items()}
        target = self._store
        dataset = resolve(sparql, default_graphs, named_graphs)
        if dataset.whole_store:  # the default graph is the materialised merge; every named graph is visible
            options["default_graph"] = [DEFAULT] if union_default_graph else []
        else:
            defaults = dataset.default or []
            if len(defaults) > 1:  # several default graphs: their set merge, in a store of their own
                with self._gate.reading():
                    target = merged_store(self._store, dataset)
                options["default_graph"] = [DEFAULT]
            else:
                options["default_graph"] = [ox.NamedNode(g) for g in defaults]
            options["named_graphs"] = [ox.NamedNode(g) for g in dataset.named or []]
        try:
            with self._gate.reading():
                result = target.query(sparql, **options)
                return kind, serialise_into(result, result_format, output)
        except SyntaxError as e:
            raise QueryError(f"SPARQL syntax error: {e}") from e
        except (OSError, ValueError, TypeError, RuntimeError) as e:  # e.g. an unknown function: RuntimeError
            raise QueryError(f"SPARQL evaluation error: {e}") from e

    def triples_from(
        self, subjects: Collection[Node], *, skip: Collection[URIRef] = (), predicates: Collection[URIRef] | None = None
    ) -> set[Triple]:
        skipped = {ox.NamedNode(p) for p in skip}
        links: list[ox.NamedNode | None] = [None]
        if predicates is not None:  # one pattern read per predicate: never every triple of a much-linked thing
            links = [ox.NamedNode(p) for p in predicates if p not in skip]
        found: set[Triple] = set()
        with self._gate.reading():
            for subject in (s for s in subjects if not isinstance(s, Literal)):
                for quad in (q for link in links for q in self._quads_from(subject, link)):
                    if quad.predicate not in skipped:
                        found.add((subject, URIRef(quad.predicate.value), to_rdflib(quad.object)))
        return found

    def _quads_from(self, subject: Node, predicate: ox.NamedNode | None) -> Iterator[ox.Quad]:
        return self._store.quads_for_pattern(to_oxigraph_resource(subject), predicate, None, DEFAULT)

    def triples_to(self, objects: Collection[Node], predicates: Collection[URIRef] | None = None) -> set[Triple]:
        found: set[Triple] = set()
        links: list[ox.NamedNode | None] = [None] if predicates is None else [ox.NamedNode(p) for p in predicates]
        with self._gate.reading():
            self._triples_to(objects, links, found)
        return found

    def _triples_to(self, objects: Collection[Node], links: list[ox.NamedNode | None], found: set[Triple]) -> None:
        for node in objects:
            if isinstance(node, Literal):
                continue
            target = to_oxigraph(node)
            for link in links:
                for quad in self._store.quads_for_pattern(None, link, target, DEFAULT):
                    if isinstance(quad.subject, ox.NamedNode):
                        found.add((URIRef(quad.subject.value), URIRef(quad.predicate.value), node))

    def has_graph(self, name: str) -> bool:
        with self._gate.reading():
            return bool(self._store.contains_named_graph(ox.NamedNode(name)))

    def graphs(self) -> list[GraphInfo]:
        with self._gate.reading():
            sizes = deltas.graph_sizes(self._store)
        return sorted((GraphInfo(name, count) for name, count in sizes.items()), key=lambda g: g.name)

    def export(self, fmt: RdfFormat, graph: str | None = None) -> bytes:
        with self._gate.reading():
            return self._export(fmt, graph)

    def _export(self, fmt: RdfFormat, graph: str | None) -> bytes:
        target = fmt.oxigraph
        if graph is not None:
            name = ox.NamedNode(graph)
            if name not in set(self._store.named_graphs()):
                raise StoreError(f"no graph named <{graph}>")
            if fmt in (RdfFormat.NQUADS, RdfFormat.TRIG):  # where graphs can be named, the graph keeps its name
                quads = self._store.quads_for_pattern(None, None, None, name)
                return deltas.as_bytes(ox.serialize(quads, format=target, prefixes=self.prefixes))
            return deltas.as_bytes(self._store.dump(format=target, from_graph=name, prefixes=self.prefixes))
        if fmt.is_dataset_format:
            return deltas.as_bytes(ox.serialize(named_quads(self._store), format=target, prefixes=self.prefixes))
        return deltas.as_bytes(self._store.dump(format=target, from_graph=DEFAULT, prefixes=self.prefixes))  # the merge

    def __len__(self) -> int:
        """The number of quads in the named graphs."""
        return sum(info.triples for info in self.graphs())

    @property
    def generation(self) -> str | None:
        """The id of the snapshot generation this store holds (None if ephemeral or empty)."""
        return self._generation

    def refresh(self) -> bool:
        """Load the generation ``CURRENT`` names if it is newer than ours; True if it changed."""
        if self.directory is None:
            return False
        current = snapshots.read_current(self.directory)
        if current is None or current == self._generation:
            return False
        names = snapshots.chain(self.directory, current)
        if self._generation in names:  # we hold a generation it is built from: apply the deltas since
            for name in names[names.index(self._generation) + 1 :]:
                added, removed, graphs = snapshots.read_delta(self.directory, name)
                with self._gate.writing():
                    deltas.apply(self._store, added, removed, graphs)
                    self._generation = name
            return True
        fresh = snapshots.load(self.directory, current)
        remerge(fresh)  # the default graph: the merge of the named graphs
        self._store, self._generation = fresh, current
        return True

    # ---------------------------------------------------------------- writing

    def update(
        self,
        sparql: str,
        *,
        using: UsingDataset | None = None,
        base_iri: str | None = None,
        check: ChangeCheck | None = None,
    ) -> Change:
        steps = operations(sparql, using)  # refuses LOAD and a doubly given dataset before anything runs
        options: dict[str, Any] = {"base_iri": base_iri} if base_iri else {}
        change = Change(Graph(), Graph())

        def apply(staging: ox.Store) -> None:
            nonlocal change  # the staging store holds the merge; each operation sees it as the ones before left it
            before = deltas.default_lines(staging)
            current = before
            for number, step in enumerate(steps, 1):
                deltas.run_update(staging, step, options, number)
                current = deltas.checked_merge(staging, current, number)
            change = Change(deltas.as_graph(current - before), deltas.as_graph(before - current))
            if check is not None:
                check(change)

        with self.locked():
            scope = scope_of(sparql, base_iri)
            if scope is None:  # a WHERE (or ADD, MOVE, COPY, CLEAR ALL) may read anything: stage it all
                deltas.check_syntax(steps, options)
                self._write(apply)
                return change
            with self._gate.reading():
                staging = deltas.scoped_staging(self._store, scope)
            before = deltas.named_set(staging)
            apply(staging)
            added, removed = deltas.delta(before, deltas.named_set(staging))
            self._commit_delta(added, removed, [g.value for g in staging.named_graphs()])
        return change

    def replace_graphs(self, graphs: Mapping[str, bytes], *, drop_others: bool = False) -> None:
        """Loaded by the engine's bulk loader into a new store (the live one is untouched until the switch);
        the given graphs are written to the new base as they came, the others as the engine dumps them."""
        fresh = ox.Store()
        for name, data in graphs.items():
            deltas.bulk_load(fresh, data, name)
        with self.locked():
            kept: dict[str, bytes] = {}
            if not drop_others:
                with self._gate.reading():
                    for node in self._store.named_graphs():
                        if node.value not in graphs:
                            dumped = self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node)
                            kept[node.value] = deltas.as_bytes(dumped)
                for name, data in kept.items():
                    deltas.bulk_load(fresh, data, name)
            remerge(fresh)
            generation = None
            if self.directory is not None:
                contents = {**kept, **graphs}
                sizes = deltas.graph_sizes(fresh)
                generation = snapshots.write_base(self.directory, sizes, lambda g, path: path.write_bytes(contents[g]))
            self._store, self._generation = fresh, generation

    def add(self, graph: str, ntriples: bytes) -> None:
        quads = deltas.parse_ntriples(ntriples, graph)
        with self.locked():
            added = [q for q in set(quads) if q not in self._store]
            graphs = [g.value for g in self._store.named_graphs()]
            self._commit_delta(added, [], graphs if graph in graphs else [*graphs, graph])

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
            with snapshots.process_lock(self.directory) if self.directory else contextlib.nullcontext():
                self._lock_depth = 1
                try:
                    self.refresh()  # another process may have written since we loaded
                    yield
                finally:
                    self._lock_depth = 0

    def _write(self, apply: Callable[[ox.Store], None]) -> None:
        """Apply a change that may read anything to a staging copy of the whole store, then make it live; its
        delta, found by comparing each graph as lines, is what goes to disk (readers apply it in place).
        ``apply`` leaves the staging store's default graph the merge of its named graphs. Under the lock."""
        staging = ox.Store()
        with self._gate.reading():
            before = deltas.graph_lines(self._store)
            for graph in self._store.named_graphs():
                staging.add_graph(graph)
            staging.bulk_extend(list(self._store))  # the named graphs and their merge
        apply(staging)
        after = deltas.graph_lines(staging)
        added, removed = deltas.line_delta(before, after)
        generation = None
        if self.directory is not None:
            if snapshots.needs_new_base(self.directory, self._generation, len(added) + len(removed)):
                generation = self._persist(staging)
            else:
                sizes = {g: len(lines) for g, lines in after.items()}
                generation = snapshots.write_delta(self.directory, self._generation or "", added, removed, sizes)
        with self._gate.writing():
            self._store, self._generation = staging, generation

    def _persist(self, staging: ox.Store) -> str | None:
        if self.directory is None:
            return None
        sizes = deltas.graph_sizes(staging)

        def dump(graph: str, path: Path) -> None:
            staging.dump(str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))

        generation = snapshots.write_base(self.directory, sizes, dump)
        log.info("store %s: wrote generation %s (%d quads)", self.directory, generation, sum(sizes.values()))
        return generation

    def _commit_delta(self, added: list[ox.Quad], removed: list[ox.Quad], graphs: list[str]) -> None:
        """Persist a delta (or, when the chain of deltas has grown, a new base), then apply it in place.
        The caller holds the lock."""
        if self.directory is not None and not snapshots.needs_new_base(
            self.directory, self._generation, len(added) + len(removed)
        ):
            sizes = deltas.sizes_after(self.manifest().get("graphs", {}), added, removed, graphs)
            generation = snapshots.write_delta(self.directory, self._generation or "", added, removed, sizes)
            with self._gate.writing():
                deltas.apply(self._store, added, removed, graphs)
                self._generation = generation
            return
        before = [g.value for g in self._store.named_graphs()]
        with self._gate.writing():  # a new base: readers wait until it is written (or the change undone)
            deltas.apply(self._store, added, removed, graphs)
            try:
                self._generation = self._persist(self._store)
            except BaseException:  # the files still hold the previous generation: so must we
                deltas.apply(self._store, removed, added, before)
                raise

    def manifest(self) -> dict[str, Any]:
        """What the live generation's manifest says (empty for an ephemeral or empty store)."""
        if self.directory is None or self._generation is None:
            return {}
        return snapshots.manifest(self.directory, self._generation)


def check_store_directory(directory: Path) -> None:
    """Raise StoreError unless ``directory`` holds a store (for reading it without loading it here)."""
    snapshots.open_directory(directory, create=False)
