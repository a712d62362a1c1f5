"""A cache of parsed SPARQL for pyshacl's constraints, installed on import by both validation paths."""

from __future__ import annotations

from typing import Any


def _reuse_prepared_sparql() -> None:
    """Make rdflib reuse the parsed form of a query text it has seen before.

    pyshacl hands rdflib the same SPARQL constraint text for every focus node (``$this`` goes in as a
    binding), and rdflib parses it anew each time: measured, parsing took half of a validation of the
    real graph plus 100 projects. The translated query is what rdflib's own ``prepareQuery`` returns for
    reuse with other bindings, so caching it by (text, base, namespaces) changes no result.
    """
    from rdflib.plugins.sparql import processor

    if getattr(processor.SPARQLProcessor.query, "_gzg_cached", False):
        return
    original = processor.SPARQLProcessor.query
    cache: dict[tuple[str, Any, tuple[tuple[str, str], ...]], Any] = {}

    def query(
        self: Any, query: Any, init_bindings: Any = None, init_ns: Any = None, base: Any = None, **options: Any
    ) -> Any:
        """rdflib's ``SPARQLProcessor.query(strOrQuery, initBindings, initNs, base, DEBUG)``; rdflib's
        ``Graph.query`` passes the first three by position and the others by keyword."""
        if isinstance(query, str):
            key = (query, base, tuple(sorted((k, str(v)) for k, v in (init_ns or {}).items())))
            prepared = cache.get(key)
            if prepared is None:
                if len(cache) > 2048:
                    cache.clear()
                prepared = cache[key] = processor.translateQuery(processor.parseQuery(query), base, init_ns)
            query = prepared
        return original(self, query, init_bindings, init_ns, base, **options)

    setattr(query, "_gzg_cached", True)  # noqa: B010 - mypy refuses attributes on functions
    setattr(processor.SPARQLProcessor, "query", query)  # noqa: B010 - replacing a method is the point


_reuse_prepared_sparql()
