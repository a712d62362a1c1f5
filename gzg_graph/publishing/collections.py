"""Collections of things a client can filter, sort, search and page: calls, projects, local governments, ...

One request is a :class:`Selection` (parsed and checked by :func:`select`: every parameter known, every value
well-formed, else :class:`BadParameter` naming it); :func:`run` answers it with a :class:`Page`.

How a page is found, in two steps:

1. The collection's query (``queries/collections/<name>.rq``) selects the members and their sort keys, with
   the filters the request asks for inserted as fixed fragments (``filter-*.rq``) and their values bound as
   RDF terms in one ``VALUES`` row (:func:`query_text` says why not ``Store.query``'s bindings), never
   written into the query text as the request gave them. Sorting and paging happen here in Python: sort
   keys compare accent- and case-folded (Dutch names with accents sort where a reader looks for them), ties
   by URI, so every page of a selection is a slice of one stable order, kept per store generation.
2. The members of the page are read with the store's pattern reads (``Store.triples_from``): each member's
   triples over the collection's fields, and the labels of the things they link to. So a page holds exactly
   what the store holds about its members' fields, which the JSON-LD (``collection_jsonld``) publishes.

Free-text search (``q=``) folds the needle in Python (NFKD, marks dropped, lower case: :func:`fold`) and the
haystack in SPARQL (``LCASE`` and ``REPLACE`` of the accented letters, ``filter-search.rq``). That keeps the
work in the engine, on the members the other filters leave, with no index to build or keep in step with
writes; measured on the real graph and on a generated 1M-triple graph (see the README's figures).

JSON-LD paging follows **Hydra Core** (``hydra:Collection``, ``hydra:PartialCollectionView``,
``hydra:IriTemplate``) rather than TREE: our collections are filtered lists, searched and paged by number,
which Hydra describes (free-text search, template variables mapped to the properties they filter on);
TREE describes fragmentations of a dataset by relations between pages, which these lists are not.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .. import queries
from ..formats import ResultFormat
from ..store.base import Store
from ..terms import sparql_term
from ..uris import UriPolicy
from .collection_filters import SEARCH, BadParameter, Choice, Filter, Lookup, Option, fold, pick

#: Callers name the filters' types through this module too.
__all__ = ["BadParameter", "Choice", "Filter", "Option", "fold", "pick"]

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
#: Parameters every collection takes besides its filters; ``format`` and ``lang`` are the web layer's.
CONTROLS = ("q", "sort", "page", "pageSize")
PRESENTATION = ("format", "lang")
MAX_QUERY_TEXT = 200
#: The labels a page carries for the things its members link to.
LABELS = (SKOS.prefLabel, DCTERMS.title, RDFS.label)
#: Where a collection query takes its filters: a line of its own holding only ``#FILTERS``.
_SLOT = re.compile(r"^[ \t]*#FILTERS[ \t]*$", re.MULTILINE)
#: The orders of recent selections, oldest first (see :func:`run`); a few MB at most.
_ORDERS: dict[tuple[Any, ...], list[str]] = {}
_ORDERS_KEPT = 64
_ORDERS_LOCK = threading.Lock()


@dataclass(frozen=True)
class SortKey:
    name: str
    variable: str
    numeric: bool = False


@dataclass(frozen=True)
class Field:
    """A member property a page shows (a CSV column, a table cell): ``linked`` ones show their targets' names."""

    key: str
    predicate: URIRef
    linked: bool = False


@dataclass(frozen=True)
class Collection:
    name: str  # its path, /<name>
    member_class: URIRef
    label: URIRef  # the member's name
    fields: tuple[Field, ...]
    sort_keys: tuple[SortKey, ...]  # the first is the default order
    filters: tuple[Filter, ...]

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.filters) + CONTROLS + PRESENTATION

    def filter(self, name: str) -> Filter:
        return next(f for f in self.filters if f.name == name)

    @cached_property
    def predicates(self) -> frozenset[URIRef]:
        return frozenset({RDF.type, self.label} | {f.predicate for f in self.fields})


@dataclass(frozen=True)
class Selection:
    collection: Collection
    values: dict[str, str]  # the filters given, by name, as given
    q: str
    sort: str  # a sort key's name, '-' first for descending
    page: int
    page_size: int
    choices: tuple[Choice, ...] = field(default=(), repr=False)

    def query_params(self, **changes: Any) -> list[tuple[str, str]]:
        """The selection as query parameters (filters in the collection's order, defaults left out), so that
        one selection has one URL; ``changes`` override (``page=2``, ``page=None`` drops it)."""
        params: dict[str, Any] = {f.name: self.values.get(f.name) for f in self.collection.filters}
        params.update(q=self.q or None, sort=None if self.sort == self.collection.sort_keys[0].name else self.sort)
        params.update(page=self.page if self.page != 1 else None)
        params.update(pageSize=self.page_size if self.page_size != DEFAULT_PAGE_SIZE else None)
        params.update(changes)
        return [(key, str(value)) for key, value in params.items() if value not in (None, "")]


def select(collection: Collection, params: Sequence[tuple[str, str]], lookup: Lookup) -> Selection:
    """Read a request's query parameters; BadParameter for an unknown one, a repeated one or a bad value."""
    given: dict[str, str] = {}
    for name, value in params:
        if name not in collection.parameters:
            allowed = ", ".join(collection.parameters)
            raise BadParameter(f"unknown parameter {name!r} for /{collection.name}; allowed: {allowed}")
        if name in given:
            raise BadParameter(f"{name}: given more than once; give one value")
        given[name] = value.strip()
    page = _number(given, "page", 1, None)
    page_size = _number(given, "pageSize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    sort = given.get("sort") or collection.sort_keys[0].name
    if sort.lstrip("-") not in {k.name for k in collection.sort_keys}:
        keys = ", ".join(k.name for k in collection.sort_keys)
        raise BadParameter(f"sort: unknown key {sort!r}; use one of {keys} (prefix '-' for descending)")
    q = fold(given.get("q", ""))
    if len(q) > MAX_QUERY_TEXT:
        raise BadParameter(f"q: at most {MAX_QUERY_TEXT} characters")
    values = {f.name: given[f.name] for f in collection.filters if given.get(f.name)}
    for name in values:
        required = collection.filter(name).requires
        if required and required not in values:
            raise BadParameter(f"{name}: only together with {required}")
    choices = [collection.filter(name).choose(value, lookup) for name, value in values.items()]
    if q:
        choices.append(Choice(SEARCH.fragments, {SEARCH.variable: Literal(q)}))
    return Selection(collection, values, q, sort, page, page_size, tuple(choices))


def _number(given: dict[str, str], name: str, default: int, maximum: int | None) -> int:
    raw = given.get(name)
    if not raw:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw) or int(raw) < 1:
        raise BadParameter(f"{name}: {raw!r} is not a whole number of 1 or more")
    if maximum is not None and int(raw) > maximum:
        raise BadParameter(f"{name}: {raw} is over the maximum of {maximum}")
    return int(raw)


@dataclass(frozen=True)
class Page:
    selection: Selection
    total: int
    members: list[str]  # the page's members, in order
    graph: Graph  # their triples over the collection's fields, and the labels of what they link to

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.selection.page_size))


def run(store: Store, uris: UriPolicy, selection: Selection) -> Page:
    """The page a selection asks for. The order of a selection's members is kept for the store's generation
    (a snapshot, whose id is unique), so its next pages, other page sizes and formats read only their members."""
    generation = getattr(store, "generation", None)
    sparql = query_text(selection.collection, selection.choices, uris.base)
    key = (generation, sparql, selection.sort)
    with _ORDERS_LOCK:
        ordered = _ORDERS.get(key) if generation else None
    if ordered is None:
        ordered = _ordered(store, sparql, selection)
        with _ORDERS_LOCK:
            _ORDERS[key] = ordered
            while len(_ORDERS) > _ORDERS_KEPT:
                _ORDERS.pop(next(iter(_ORDERS)))
    start = (selection.page - 1) * selection.page_size
    members = ordered[start : start + selection.page_size]
    return Page(selection, len(ordered), members, _member_graph(store, selection.collection, members))


def query_text(collection: Collection, choices: Sequence[Choice], base: str) -> str:
    """The collection's query with the chosen fragments at ``#FILTERS`` (each once, in order) after one
    ``VALUES`` row binding their variables.

    Why VALUES and not ``Store.query(bindings=...)``: pyoxigraph applies its substitutions after planning the
    query, so the plan cannot start from a bound value; measured on the real graph, local governments of one
    province took 12 ms that way and 0.6 ms with VALUES. Each value is an RDF term written by
    :func:`~gzg_graph.terms.sparql_term` (an IRI checked, a literal escaped), as the store's own
    :func:`~gzg_graph.store.base.bind_values` does: a value cannot change the query around it.
    """
    bindings = {name: value for choice in choices for name, value in choice.bindings.items()}
    lines = []
    if bindings:
        names = " ".join(f"?{name}" for name in bindings)
        lines.append(f"VALUES ({names}) {{ ({' '.join(sparql_term(v) for v in bindings.values())}) }}")
    fragments = [name for choice in choices for name in choice.fragments]
    lines += [queries.load(f"collections/{name}", base) for name in dict.fromkeys(fragments)]
    text = queries.load(f"collections/{collection.name}", base)
    return _SLOT.sub(lambda _: "\n".join(lines), text, count=1)


def _ordered(store: Store, sparql: str, selection: Selection) -> list[str]:
    result = json.loads(store.query(sparql, ResultFormat.JSON).body)
    keys: dict[str, dict[str, Any]] = {}
    for row in result["results"]["bindings"]:
        item = keys.setdefault(row["item"]["value"], {})
        for key in selection.collection.sort_keys:
            value = row.get(key.variable)
            if value is not None:
                item.setdefault(key.name, {})[value.get("xml:lang", "")] = value["value"]
    name = selection.sort.lstrip("-")
    key = next(k for k in selection.collection.sort_keys if k.name == name)
    label_key = selection.collection.sort_keys[0].name

    def order(item: str) -> tuple[Any, ...]:
        raw = pick(keys[item].get(name, {}), "nl")
        value: Any = (float(raw) if _is_number(raw) else 0.0) if key.numeric and raw else fold(raw or "")
        return (raw is None, value, fold(pick(keys[item].get(label_key, {}), "nl") or ""), item)

    ordered = sorted(keys, key=order)
    if selection.sort.startswith("-"):
        present = [i for i in ordered if keys[i].get(name)]
        ordered = present[::-1] + [i for i in ordered if not keys[i].get(name)]  # no value stays last
    return ordered


def _is_number(raw: str) -> bool:
    return bool(re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", raw))


def _member_graph(store: Store, collection: Collection, members: list[str]) -> Graph:
    graph = Graph()
    # read by predicate: a member or a linked organisation may have thousands of other links (its roles)
    own = list(store.triples_from([URIRef(m) for m in members], predicates=collection.predicates))
    linked_predicates = {f.predicate for f in collection.fields if f.linked}
    targets = {o for _, p, o in own if p in linked_predicates and isinstance(o, URIRef)}
    for triple in own + list(store.triples_from(targets, predicates=LABELS)):
        graph.add(triple)
    return graph


def options(store: Store, uris: UriPolicy, name: str) -> list[Option]:
    """The values a filter offers (``options-<name>.rq``), in the order of their Dutch names."""
    result = json.loads(store.query(queries.load(f"collections/options-{name}", uris.base), ResultFormat.JSON).body)
    found: dict[str, Option] = {}
    for row in result["results"]["bindings"]:
        value = row["value"]["value"]
        option = found.setdefault(value, Option(value, {}, row["code"]["value"] if "code" in row else None))
        option.labels[row["label"].get("xml:lang", "")] = row["label"]["value"]
    return sorted(found.values(), key=lambda o: (len(o.code or ""), o.code or "", fold(o.label("nl"))))
