"""The remote store: any SPARQL 1.1 store (Virtuoso, Fuseki, GraphDB, an Oxigraph server) behind the
:class:`~.base.Store` interface, over the SPARQL Protocol, Update and the Graph Store Protocol.

Everything the embedded store promises holds here too, by the layout of :mod:`.remote_layout`:

* **the same answers**: the default graph is the *set* merge of the named graphs (a graph of its own, kept by
  every write), a query's ``FROM`` clauses are resolved here and sent as the protocol's dataset, several
  default graphs are merged as a set, and results are read back and written by pyoxigraph
  (:mod:`.remote_answers`), with a store's row cap paged around or refused, never passed on cut;
* **all-or-nothing writes**: loads go to staging graphs in batches, then one update request switches them in;
* **no state that goes stale**: every process reads the state graph (:meth:`refresh`, one small query per
  API request) and serialises its writes with the others by a file lock (processes of one machine, such as
  the API's workers; writers on several machines must be run from one).

Updates are evaluated on a copy of the dataset by the embedded engine (so that a write can be validated and
refused before the store sees it) and committed as the exact quads they add and remove, in one request.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import QueryError, SourceError, StoreError
from ..formats import RdfFormat, ResultFormat
from . import remote_answers as answers
from . import remote_layout as layout
from . import snapshots
from .base import Bindings, Change, ChangeCheck, GraphInfo, QueryResult, Store, bind_values, detect_query_kind
from .dataset import resolve, without_dataset_clauses
from .embedded import EmbeddedStore
from .remote_scope import scope_of
from .remote_writes import Loader, commit_update
from .sparql_http import SparqlClient, SparqlEndpoints
from .updates import UsingDataset

log = logging.getLogger(__name__)

_SWITCH_LOCK = ".switch.lock"

#: Called while a load is written: (triples written so far, triples in all).
Progress = Callable[[int, int], None]


class RemoteStore(Store):
    """A SPARQL 1.1 store over HTTP; see the module's docstring for how it keeps the embedded store's promises."""

    def __init__(
        self,
        endpoints: SparqlEndpoints,
        *,
        lock_directory: Path | str | None = None,
        prefixes: Mapping[str, str] | None = None,
        create: bool = True,
        max_result_bytes: int | None = None,
        batch_triples: int = 50_000,
    ):
        """``lock_directory`` holds the writers' file lock (every process writing to this store must use the
        same one); ``create=False`` refuses a store that holds no dataset yet (for commands that only read)."""
        self.endpoints = endpoints
        self.client = SparqlClient(endpoints)
        self.prefixes = dict(prefixes or {})
        self.max_result_bytes = max_result_bytes
        self.lock_directory = Path(lock_directory) if lock_directory is not None else None
        self.progress: Progress | None = None
        self._loader = Loader(self.client, batch_triples)
        self._state = layout.State()
        self._writers_lock = threading.RLock()
        self._depth = 0
        self.refresh()
        if not create and self._state.generation is None:
            raise StoreError(
                f"the SPARQL store at {endpoints.query} holds no gzg-graph dataset yet: run `gzg build` first"
            )

    # ---------------------------------------------------------------- state

    def refresh(self) -> bool:
        """Read the state graph (one small query); True if another process wrote a new generation."""
        with self._switches(shared=True):  # never the state of a switch half done
            rows = answers.solutions(self.client.query(layout.READ_STATE, answers.SOLUTIONS_MEDIA_TYPE, [], []))
        assert isinstance(rows, ox.QuerySolutions)  # noqa: S101 - a SELECT answers solutions
        state = layout.State.from_rows((r["p"].value, r["o"].value) for r in rows if r["p"] and r["o"])
        changed = state.generation != self._state.generation
        self._state = state
        return changed

    @property
    def generation(self) -> str | None:
        return self._state.generation

    def manifest(self) -> dict[str, Any]:
        return {"written": self._state.written} if self._state.written else {}

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
        kind = detect_query_kind(sparql)
        if kind == "update":
            raise QueryError("not a query (SELECT, ASK, CONSTRUCT or DESCRIBE); updates go to update()")
        dataset = resolve(sparql, default_graphs, named_graphs)
        text = bind_values(sparql if dataset.whole_store else without_dataset_clauses(sparql), bindings)
        if base_iri:
            text = f"BASE {layout.iri(base_iri)}\n{text}"
        with self._switches(shared=True):
            return self._query(kind, text, result_format, dataset, union_default_graph)

    def _query(
        self, kind: str, text: str, fmt: ResultFormat | RdfFormat | None, dataset: Any, union_default_graph: bool
    ) -> QueryResult:
        if dataset.whole_store:
            defaults = [layout.MERGE] if union_default_graph else [layout.EMPTY]
            for _ in range(3):
                graphs = self._state.graphs
                result = self._answer(kind, text, fmt, defaults, list(graphs) or [layout.EMPTY])
                self.refresh()  # a write that added or removed graphs since our list: ask again with the new list
                if self._state.graphs == graphs:
                    return result
            raise StoreError("the store's graphs kept changing while the query ran; ask again")
        named = dataset.named or [layout.EMPTY]
        with self._merged(dataset.default or [layout.EMPTY]) as defaults:
            return self._answer(kind, text, fmt, defaults, named)

    def _answer(
        self, kind: str, text: str, fmt: ResultFormat | RdfFormat | None, defaults: list[str], named: list[str]
    ) -> QueryResult:
        result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
        if kind == "graph":
            answer = self.client.query(text, answers.TRIPLES_MEDIA_TYPE, defaults, named)
            result = answers.triples(answer, self.endpoints.row_cap)
        else:
            answer = self.client.query(text, answers.SOLUTIONS_MEDIA_TYPE, defaults, named)
            if kind == "ask":
                result = answers.boolean(answers.solutions(answer))
            else:
                result = self._all_solutions(text, answer, defaults, named)
        media_type, body = answers.write(result, fmt, self.max_result_bytes)
        return QueryResult(kind, media_type, body)

    def _all_solutions(
        self, text: str, answer: Any, defaults: list[str], named: list[str]
    ) -> ox.QuerySolutions | ox.QueryBoolean:
        if answer.capped_at is None:
            return answers.solutions(answer)
        generation = self._state.generation

        def fetch(page: str) -> Any:
            return self.client.query(page, answers.SOLUTIONS_MEDIA_TYPE, defaults, named)

        def unchanged() -> bool:
            self.refresh()
            return self._state.generation == generation

        return answers.select_pages(text, answer, fetch, unchanged)

    @contextlib.contextmanager
    def _merged(self, defaults: list[str]) -> Iterator[list[str]]:
        """The default graphs as one graph: itself when there is one; else their set merge in a graph made for
        this query (the store's own union of several graphs is a bag) and dropped afterwards."""
        if len(defaults) <= 1:
            yield defaults
            return
        scratch = f"{layout.PREFIX}scratch:{uuid.uuid4().hex}"
        values = " ".join(layout.iri(g) for g in defaults)
        self.client.update(
            f"INSERT {{ GRAPH {layout.iri(scratch)} {{ ?s ?p ?o }} }} WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        )
        try:
            yield [scratch]
        finally:
            self.client.update(f"DROP SILENT GRAPH {layout.iri(scratch)}")

    def graphs(self) -> list[GraphInfo]:
        names = self._state.graphs
        if not names:
            return []
        values = " ".join(layout.iri(g) for g in names)
        rows = self.select(
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g",
            default_graphs=[layout.EMPTY],
            named_graphs=list(names),
        )
        sizes = {row["g"]: int(row["n"]) for row in rows}
        return [GraphInfo(name, sizes.get(name, 0)) for name in names]

    def has_graph(self, name: str) -> bool:
        return name in self._state.graphs

    def export(self, fmt: RdfFormat, graph: str | None = None) -> bytes:
        if graph is not None and graph not in self._state.graphs:
            raise StoreError(f"no graph named <{graph}>")
        return self.copy([graph] if graph is not None else None).export(fmt, graph)

    def copy(self, graphs: list[str] | None = None) -> EmbeddedStore:
        """The dataset (or some of its graphs) in an ephemeral embedded store, read page by page."""
        names = list(self._state.graphs) if graphs is None else graphs
        quads = self._loader.read_graphs(names, self._unchanged_since(self._state.generation))
        return EmbeddedStore.holding(quads, names, prefixes=self.prefixes)

    def _unchanged_since(self, generation: str | None) -> Callable[[], bool]:
        def unchanged() -> bool:
            if self._depth:  # we hold the writers' lock: nobody else writes
                return True
            self.refresh()
            return self._state.generation == generation

        return unchanged

    # ---------------------------------------------------------------- writing

    def replace_graphs(self, graphs: Mapping[str, bytes], *, drop_others: bool = False) -> None:
        parsed = {name: _parse_ntriples(data, name) for name, data in graphs.items()}  # all parse, or nothing
        with self.locked():
            staged = self._stage(parsed)
            before = set(self._state.graphs)
            after = set(parsed) if drop_others else before | set(parsed)
            operations = [layout.empty(g) for g in sorted(before - after)]
            if len(parsed) == 1 and not drop_others:
                ((name, staging),) = staged.items()
                operations += layout.replace_one(name, staging, before)
            else:
                for name, staging in staged.items():
                    operations += layout.move_into(name, staging, merge=False)
                operations += layout.remerge(after)
            self._switch(operations, after)

    def add(self, graph: str, ntriples: bytes) -> None:
        parsed = _parse_ntriples(ntriples, graph)
        with self.locked():
            staging = self._stage({graph: parsed})[graph]
            self._switch(layout.add_from(graph, staging), set(self._state.graphs) | {graph})

    def update(
        self,
        sparql: str,
        *,
        using: UsingDataset | None = None,
        base_iri: str | None = None,
        check: ChangeCheck | None = None,
    ) -> Change:
        with self.locked():
            local, complete = self._copy_for(sparql, base_iri)
            before = {name: local.lines(name) for name in self._state.graphs}
            change = local.update(sparql, using=using, base_iri=base_iri, check=check)
            operations, graphs = commit_update(before, local, change, complete, self._stage_lines)
            if operations or set(graphs) != set(self._state.graphs):
                self._switch(operations, set(graphs))
            return change

    def _copy_for(self, sparql: str, base_iri: str | None) -> tuple[EmbeddedStore, set[str]]:
        """What an update needs of the dataset, in an embedded store, and which graphs it holds completely:
        for data (:mod:`.remote_scope`) the graphs it names and the quads of its triples, else everything."""
        names = list(self._state.graphs)
        scope = scope_of(sparql, base_iri)
        if scope is None:
            return self.copy(), set(names)
        whole = sorted(scope.graphs & set(names))
        quads = self._loader.read_graphs(whole, lambda: True)  # under the writers' lock: nobody else writes
        quads += self._loader.read_matching(scope.triples, names)
        return EmbeddedStore.holding(quads, names, prefixes=self.prefixes), set(whole)

    def _stage_lines(self, lines: set[bytes]) -> str:
        """N-Triples lines written to a new staging graph (registered first, so a write that dies is cleaned up)."""
        staging = layout.new_staging_graph()
        self.client.update(layout.register_staging([staging]))
        for _ in self._loader.write(staging, list(ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_TRIPLES))):
            pass
        return staging

    def _stage(self, parsed: Mapping[str, list[ox.Triple]]) -> dict[str, str]:
        """Write each graph's triples to a staging graph of its own, in batches, with progress."""
        staged = {name: layout.new_staging_graph() for name in parsed}
        self.client.update(layout.register_staging(staged.values()))
        total = sum(len(triples) for triples in parsed.values())
        done = 0
        for name, triples in parsed.items():
            for count in self._loader.write(staged[name], triples):
                done += count
                if self.progress is not None:
                    self.progress(done, total)
        return staged

    def _switch(self, operations: list[str], graphs: set[str]) -> None:
        """Run the operations and write the new state, in one request: the store's one atomic step. Our own
        readers wait for it (Virtuoso's read-committed readers were seen counting a graph half emptied)."""
        state, generation = layout.write_state(graphs)
        with self._switches(shared=False):
            self.client.update(layout.request(operations + state))
        log.info("SPARQL store %s: generation %s", self.endpoints.query, generation)
        self.refresh()

    @contextlib.contextmanager
    def _switches(self, *, shared: bool) -> Iterator[None]:
        """The readers' side (``shared``) or the switch's side of the lock that keeps our readers from seeing a
        switch under way: the processes sharing ``lock_directory`` (the API's workers, the CLI). Readers that
        go to the store directly are not covered: the store's own isolation decides what they see."""
        if self.lock_directory is None:
            yield
            return
        self.lock_directory.mkdir(parents=True, exist_ok=True)
        with snapshots.process_lock(self.lock_directory, _SWITCH_LOCK, shared=shared):
            yield

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """The writers' lock (threads of this process, and processes sharing ``lock_directory``), on the newest
        state; staging graphs that a write which died left behind are dropped first."""
        with self._writers_lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            lock: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
            if self.lock_directory is not None:
                self.lock_directory.mkdir(parents=True, exist_ok=True)
                lock = snapshots.process_lock(self.lock_directory)
            with lock:
                self._depth = 1
                try:
                    self.refresh()
                    if self._state.staged:
                        log.warning("dropping %d staging graphs of an unfinished write", len(self._state.staged))
                        self.client.update(layout.request(layout.drop_staging(self._state.staged)))
                    yield
                finally:
                    self._depth = 0

    def close(self) -> None:
        self.client.close()


def _parse_ntriples(data: bytes, graph: str) -> list[ox.Triple]:
    """Parse before any write, so a syntax error never leaves a half-written graph."""
    try:
        return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as e:
        raise SourceError(
            f"<data for graph {graph}>", str(e), line=getattr(e, "lineno", None), column=getattr(e, "offset", None)
        ) from e
