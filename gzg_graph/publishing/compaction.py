"""JSON-LD for our own documents without pyld's per-document costs, with pyld's exact results.

pyld spent nearly all of a resource document's time on three things that do not depend on the document:
processing the context (it is fetched and processed again for every ``compact``), choosing a term for each
property and value (``_compact_iri``: term selection over the inverse context, then a scan of every term for
a CURIE, about 0.3 ms a call and dozens of calls a document), and ``from_rdf`` (the graph written as
N-Triples and parsed back). Here the context is processed once per base, a term choice is remembered by what
it depends on (the IRI and the *shape* of the value: node or value, its datatype, language, index), and the
expanded nodes are read straight from the graph. The compaction itself is still pyld's ``_compact``, so
containers, coercions, language maps and reverse terms come out as before; ``tests/test_jsonld_compaction.py``
checks every document of the real graph (and generated ones) against plain pyld, byte for byte.
"""

from __future__ import annotations

import threading
from typing import Any

from pyld import jsonld  # type: ignore[import-untyped]
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, XSD

Node = dict[str, Any]
#: Term choices kept per processor; past this many they are forgotten (node IRIs vary with the data).
MAX_CHOICES = 20_000
_LIST_TERMS = frozenset({RDF.first, RDF.rest, RDF.nil})


class _Processor(jsonld.JsonLdProcessor):
    """pyld's processor with its term choices remembered: a choice depends only on the IRI, the flags and the
    value's shape, and our context has no ``@vocab`` term, the one case where it depends on the value's IRI."""

    def __init__(self) -> None:
        super().__init__()
        self._choices: dict[tuple[Any, ...], str | None] = {}
        self._lock = threading.Lock()
        self.plain_ids: set[str] = set()  # contexts (by _uuid) where a node's IRI compacts to itself

    def _compact_iri(
        self,
        active_ctx: dict[str, Any],
        iri: str | None,
        value: Any = None,
        vocab: bool = False,
        base: str | None = None,
        reverse: bool = False,
    ) -> str | None:
        if not vocab and not base and iri and iri[0] != "@" and active_ctx["_uuid"] in self.plain_ids:
            return iri  # no prefix to shorten it with, no base to make it relative to: what pyld returns
        return self._chosen(active_ctx, iri, value, vocab, base, reverse)

    def _chosen(
        self, active_ctx: dict[str, Any], iri: str | None, value: Any, vocab: bool, base: str | None, reverse: bool
    ) -> str | None:
        shape = _shape(value)
        if shape is None:
            return super()._compact_iri(active_ctx, iri, value, vocab, base, reverse)
        key = (active_ctx["_uuid"], iri, shape, vocab, base, reverse)
        try:
            return self._choices[key]
        except KeyError:  # not chosen yet (or forgotten meanwhile by another thread)
            pass
        chosen: str | None = super()._compact_iri(active_ctx, iri, value, vocab, base, reverse)
        with self._lock:
            if len(self._choices) >= MAX_CHOICES:
                self._choices.clear()
            self._choices[key] = chosen
        return chosen


def _shape(value: Any) -> tuple[Any, ...] | None:
    """What pyld's term selection reads of a value, or None for the shapes it is not remembered for."""
    if value is None:
        return ()
    if not isinstance(value, dict) or not {"@list", "@graph", "@preserve", "@index", "@set"}.isdisjoint(value):
        return None
    if "@value" in value:
        return ("value", value.get("@type"), value.get("@language"), value.get("@direction"), len(value))
    return ("node", "@id" in value)


class Compactor:
    """Compaction with one context, processed once (pyld keeps no processed context between calls)."""

    def __init__(self, context_url: str, loader: Any):
        self.context_url = context_url
        self._processor = _Processor()
        self._options = {  # what jsonld.compact sets, for an expanded input
            **{"base": "", "compactArrays": True, "graph": False, "skipExpansion": True, "activeCtx": False},
            **{"documentLoader": loader, "extractAllScripts": False, "processingMode": "json-ld-1.1", "link": False},
        }
        self._options["contextResolver"] = jsonld.ContextResolver({}, loader)
        initial = self._processor._get_initial_context(self._options)
        self._active = self._processor.process_context(initial, context_url, self._options)
        vocab_terms = [t for t, d in self._active["mappings"].items() if d and d.get("@type") == "@vocab"]
        if vocab_terms:  # term choices would depend on the value's IRI too (see _Processor)
            raise ValueError(f"terms typed @vocab are not supported: {vocab_terms}")
        mappings = self._active["mappings"]
        if "@base" not in self._active and not any(":" in t or (d and d.get("_prefix")) for t, d in mappings.items()):
            self._processor.plain_ids.add(self._active["_uuid"])

    def compact(self, tree: Node) -> dict[str, Any]:
        """``jsonld.compact(tree, context_url, skipExpansion)`` for one expanded node object."""
        compacted = self._processor._compact(self._active, None, tree, dict(self._options))
        if not isinstance(compacted, dict):
            raise ValueError("a resource document compacts to one object")
        return {"@context": self.context_url, **compacted}


def expanded_nodes(graph: Graph) -> list[Node] | None:
    """The node objects pyld's ``from_rdf`` makes of ``graph`` (its N-Triples, default options), read
    directly; None when the graph holds an RDF list (``from_rdf`` turns those into ``@list``)."""
    nodes: dict[str, Node] = {}
    seen: set[tuple[Any, ...]] = set()
    for s, p, o in graph:  # the order graph.serialize(format="nt") writes them in
        if p in _LIST_TERMS or o == RDF.nil:
            return None
        subject = _id(s)
        node = nodes.setdefault(subject, {"@id": subject})
        if isinstance(o, Literal):
            if o.datatype == RDF.JSON:
                return None  # from_rdf parses a JSON literal
            value = _literal(o)
            key = str(p)
        else:
            target = _id(o)
            nodes.setdefault(target, {"@id": target})
            if p == RDF.type:
                if (subject, "@type", target) not in seen:
                    seen.add((subject, "@type", target))
                    node.setdefault("@type", []).append(target)
                continue
            value, key = {"@id": target}, str(p)
        marker = (subject, key, tuple(sorted(value.items())))
        if marker not in seen:
            seen.add(marker)
            node.setdefault(key, []).append(value)
    return [node for _, node in sorted(nodes.items()) if len(node) > 1]


def _id(term: Any) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _literal(literal: Literal) -> dict[str, Any]:
    value: dict[str, Any] = {"@value": str(literal)}
    if literal.language:
        value["@language"] = literal.language
    elif literal.datatype is not None and literal.datatype != XSD.string:
        value["@type"] = str(literal.datatype)
    return value
