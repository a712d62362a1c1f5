"""Incremental validation: only the nodes a change touches, against the state the change produces.

Which nodes, and how much of the graph around them, follow from what the shapes look at
(:mod:`.shapes`); the nodes are then validated by the focused engine (:mod:`.engine`).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..store.base import Store, Triple
from .engine import focused_validator
from .report import ValidationReport, report_from_graph
from .shapes import HUB_PREDICATES, deep_predicates, forward_predicates, inverse_predicates

#: How far (in outgoing links) a shape of ours looks from its focus node: a project's SPARQL constraints
#: reach project -> call -> amount -> value, and project -> participation -> organisation -> type.
REACH = 4
#: How many incoming links a change can travel back to a node whose shape looks at it (an amount's value
#: matters to its project; a participation's role to its project).
REACH_BACK = 2


class StateReader:
    """Reads neighbourhoods from the current state: an rdflib Graph, or a :class:`~gzg_graph.store.Store`
    (which reads them natively where it can, see ``Store.triples_from``)."""

    def __init__(self, state: Graph | Store):
        self.state = state

    def outgoing(self, nodes: Collection[Node], skip: Collection[URIRef] = frozenset()) -> set[Triple]:
        """Triples from ``nodes``, except over the predicates in ``skip``."""
        if not isinstance(self.state, Graph):
            return self.state.triples_from(nodes, skip=skip)
        return {t for node in nodes for t in self.state.triples((node, None, None)) if t[1] not in skip}

    def incoming(self, nodes: Collection[Node], predicates: Collection[URIRef] | None = None) -> set[Triple]:
        """Triples from an IRI to ``nodes`` (only through ``predicates`` when given)."""
        if not isinstance(self.state, Graph):
            return self.state.triples_to(nodes, predicates)
        return {
            (s, p, node)
            for node in nodes
            for s, p, _ in self.state.triples((None, None, node))
            if isinstance(s, URIRef) and (predicates is None or p in predicates)
        }


def validate_change(added: Graph, removed: Graph | None, state: Graph | Store, shapes: Graph) -> ValidationReport:
    """Validate the state ``state + added - removed`` only where the change can make a difference.

    Focus nodes: the subjects the change touches, the nodes whose shapes read a changed link backwards
    (``sh:inversePath``, ``sh:targetObjectsOf``) and, when the change is over a predicate that shapes read
    beyond their focus node (``deep_predicates``), the nodes that look back at a changed node that way plus
    its referrers up to ``REACH_BACK`` links back. Each is validated with its neighbourhood: ``REACH`` links
    out, plus the backward links the shapes follow. For shapes that look no further than that, the verdict
    equals that of a full validation of a state that conformed before the change (tests/test_incremental.py
    checks it on generated changes).
    """
    removed = removed if removed is not None else Graph()
    reader = StateReader(state)
    inverse = inverse_predicates(shapes)
    unread = HUB_PREDICATES - forward_predicates(shapes)  # hub links no shape reads from their subject
    deep = deep_predicates(shapes)
    changes = [*added, *removed]
    # a node's own triples changed, or a link its shapes read backwards (sh:inversePath, targetObjectsOf)
    start: set[Node] = {s for s, p, _ in changes if isinstance(s, URIRef) and p not in unread}
    start |= {o for _, p, o in changes if p in inverse and isinstance(o, URIRef)}
    focus = set(start)
    # changed nodes that others can see the change of: over a predicate shapes read beyond their focus node
    visible: set[Node] = {s for s, p, _ in changes if isinstance(s, URIRef) and p in deep and p not in unread}
    visible |= {o for _, p, o in changes if p in inverse and p in deep and isinstance(o, URIRef)}
    # ... the nodes whose shapes look back at them (e.g. a participation checks its organisation's class)
    focus |= {o for _, p, o in reader.outgoing(visible) if p in inverse and isinstance(o, URIRef)}
    # ... and the nodes that look at them through their own links, now or after the change
    frontier = set(visible)
    for _ in range(REACH_BACK):
        referrers: set[Node] = {s for s, p, _ in reader.incoming(frontier) if p not in unread}
        referrers |= {s for s, p, o in added if o in frontier and p not in unread and isinstance(s, URIRef)}
        frontier = referrers - focus
        focus |= frontier
    if not focus:
        return ValidationReport(True, [], Graph())
    data = neighbourhood(focus, reader, added, removed, inverse, unread)
    # Only the focus nodes are validated: the other nodes of the neighbourhood sit at its edge, where their
    # own neighbourhood is cut off (and they did not change).
    report_graph = focused_validator(shapes).validate(data, focus)
    return report_from_graph(report_graph, shapes)


def neighbourhood(
    focus: set[Node],
    reader: StateReader | Any,
    added: Graph,
    removed: Graph,
    inverse: set[URIRef],
    unread: frozenset[URIRef],
) -> Graph:
    """The triples within reach of the focus nodes, as they will be after the change."""
    gone = {_identity(t) for t in removed}
    triples: dict[tuple, Triple] = {}
    seen: set[Node] = set()
    frontier = set(focus)
    for _ in range(REACH + 1):
        frontier -= seen
        if not frontier:
            break
        seen |= frontier
        found = reader.outgoing(frontier & focus, skip=unread)
        found |= reader.outgoing(frontier - focus, skip=HUB_PREDICATES)
        if inverse:
            found |= reader.incoming(frontier, inverse)
        for node in frontier:
            found.update(added.triples((node, None, None)))
            for p in inverse:
                found.update(added.triples((None, p, node)))
        frontier = set()
        for triple in found:
            key = _identity(triple)
            if key not in gone and key not in triples:
                triples[key] = triple
                frontier.update(n for n in (triple[0], triple[2]) if not isinstance(n, Literal))
    data = Graph()
    data.addN((s, p, o, data) for s, p, o in triples.values())
    return data


def _identity(triple: Triple) -> tuple:
    """A triple as the store keeps it: literals by value, since the store writes them in canonical form
    (pyoxigraph keeps ``"35000000.0"^^xsd:decimal`` as ``"35000000"``). Without this, a change that removes
    or re-adds a literal would miss the store's copy of it, or see it twice."""
    s, p, o = triple
    if isinstance(o, Literal) and o.value is not None:
        return s, p, (o.datatype, o.language, o.value)
    return triple
