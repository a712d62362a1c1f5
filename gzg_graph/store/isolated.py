"""The embedded store with its queries answered by a :class:`~.pool.QueryPool`.

Queries go to the pool's worker processes (isolated: a timeout, a crash or a huge result costs that query only);
everything else (writes, the neighbourhood reads of validation) goes to the embedded store in this process.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from rdflib import URIRef
from rdflib.term import Node

from ..errors import GzgError
from ..formats import RdfFormat, ResultFormat
from .base import Bindings, Change, ChangeCheck, GraphInfo, QueryResult, Store, StreamedResult, Triple
from .embedded import EmbeddedStore
from .pool import PoolLimits, QueryPool
from .updates import UsingDataset


class IsolatedStore(Store):
    """The embedded store, with every query evaluated in a :class:`QueryPool`."""

    def __init__(self, store: EmbeddedStore, limits: PoolLimits | None = None):
        if store.directory is None:
            raise GzgError("query isolation needs a store with a directory (its workers load its snapshot)")
        self.store = store
        self.pool = QueryPool(store.directory, limits, store.prefixes)

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
        return self.pool.query(
            sparql,
            result_format,
            union_default_graph=union_default_graph,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            bindings=bindings,
            base_iri=base_iri,
        )

    def query_stream(
        self, sparql: str, result_format: ResultFormat | RdfFormat | None = None, **options: Any
    ) -> QueryResult | StreamedResult:
        return self.pool.stream(sparql, result_format, **options)

    async def query_stream_async(
        self, sparql: str, result_format: ResultFormat | RdfFormat | None = None, **options: Any
    ) -> QueryResult | StreamedResult:
        return await self.pool.stream_async(sparql, result_format, **options)

    def update(
        self,
        sparql: str,
        *,
        using: UsingDataset | None = None,
        base_iri: str | None = None,
        check: ChangeCheck | None = None,
    ) -> Change:
        return self.store.update(sparql, using=using, base_iri=base_iri, check=check)

    def replace_graphs(self, graphs: Mapping[str, bytes], *, drop_others: bool = False) -> None:
        self.store.replace_graphs(graphs, drop_others=drop_others)

    def add(self, graph: str, ntriples: bytes) -> None:
        self.store.add(graph, ntriples)

    def graphs(self) -> list[GraphInfo]:
        return self.store.graphs()

    def has_graph(self, name: str) -> bool:
        return self.store.has_graph(name)

    def manifest(self) -> dict[str, Any]:
        return self.store.manifest()

    def export(self, fmt: RdfFormat, graph: str | None = None) -> bytes:
        return self.store.export(fmt, graph)

    def triples_from(
        self, subjects: Collection[Node], *, skip: Collection[URIRef] = (), predicates: Collection[URIRef] | None = None
    ) -> set[Triple]:
        return self.store.triples_from(subjects, skip=skip, predicates=predicates)

    def triples_to(self, objects: Collection[Node], predicates: Collection[URIRef] | None = None) -> set[Triple]:
        return self.store.triples_to(objects, predicates)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        with self.store.locked():
            yield

    def refresh(self) -> bool:
        return self.store.refresh()

    @property
    def generation(self) -> str | None:
        return self.store.generation

    def __len__(self) -> int:
        return len(self.store)

    def close(self) -> None:
        self.pool.close()
