"""pyshacl for chosen focus nodes only: the engine of incremental validation.

Validating a change means validating the few nodes it touches, each against the shapes that target it, over
a small neighbourhood graph read from the store. Two things in plain ``pyshacl.validate`` stand in the way:

* it validates *every* target in the graph it is given, including the nodes at the edge of the
  neighbourhood (measured at 1M triples: 0.85 s for 165 focus nodes in a 7k-triple neighbourhood, against
  0.3 s for the focus nodes alone);
* its ``focus_nodes`` option is wrong for us: pyshacl 0.40 filters by it in ``Shape.validate`` even when a
  nested shape (``sh:node``, ``sh:not``, ``sh:qualifiedValueShape``) is evaluated on value nodes, so
  nested constraints are silently skipped.

So this module drives pyshacl's own parts (``ShapesGraph``, ``Shape.focus_nodes`` / ``Shape.validate``,
``Validator.create_validation_report``) the way ``Validator.run`` does, handing each shape only the focus
nodes among its targets. SHACL evaluates each (shape, focus node) pair independently, so the results equal
those of a full validation restricted to the focus nodes; ``tests/test_incremental.py`` checks it. The
parsed shapes are kept between calls: harvesting them once per shapes graph is part of the speed.

What a pyshacl upgrade must check (``pyproject.toml`` pins the minor version for this reason):

1. ``tests/test_pyshacl_internals.py``: every internal named here still exists with the parameters used
   (it fails naming the one that moved);
2. ``tests/test_incremental.py``: incremental verdicts still equal full validation on every shape case and
   on generated changes (run it with a few ``--hypothesis-seed`` values);
3. whether ``pyshacl.validate(focus_nodes=...)`` now applies only to the outer shapes: then this module can
   go, and ``validate_change`` can call pyshacl's public API.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Mapping

from pyshacl.functions import apply_functions, gather_functions, unapply_functions
from pyshacl.graph_abstraction import DataGraph
from pyshacl.pytypes import SHACLExecutor
from pyshacl.rules import gather_rules
from pyshacl.shape import Shape
from pyshacl.shapes_graph import ShapesGraph
from pyshacl.target import apply_target_types, gather_target_types
from pyshacl.validator import Validator
from rdflib import Graph, URIRef
from rdflib.term import Node

from ..namespaces import SH

_WARM_UP_NODE = URIRef("urn:gzg:warm-up")
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


class FocusedValidator:
    """A shapes graph prepared once, to validate chosen focus nodes of many small data graphs."""

    def __init__(self, shapes: Graph):
        self.shapes = shapes
        self.size = len(shapes)
        self._shapes_graph = ShapesGraph(shapes)
        self._shapes = list(self._shapes_graph.shapes)  # harvests the shapes, once
        for shape in self._shapes:
            shape.set_advanced(True)  # SHACL-AF: SPARQL-based targets, as in validate(advanced=True)
        apply_target_types(gather_target_types(self._shapes_graph))
        if gather_rules(self._executor(), self._shapes_graph):
            raise ValueError(
                "shapes with SHACL rules (sh:rule) change the data; incremental validation does not support them"
            )
        self._functions = gather_functions(self._executor(), self._shapes_graph)
        self._lock = threading.Lock()  # pyshacl's shape objects are not meant for concurrent use
        self._warm_up()

    def _warm_up(self) -> None:
        """Evaluate every shape once on an empty graph, so that rdflib parses the SPARQL of each target and
        constraint now (about 0.3 s for our shapes) instead of during the first change."""
        empty = DataGraph.from_rdflib(Graph())
        executor = self._executor()
        for shape in self._shapes:
            shape.focus_nodes(empty)
            shape.validate(executor, empty, focus=[_WARM_UP_NODE])

    @staticmethod
    def _executor() -> SHACLExecutor:
        return SHACLExecutor(advanced_mode=True, allow_infos=True, allow_warnings=True)

    def validate(self, data: Graph, focus: Collection[Node]) -> Graph:
        """The sh:ValidationReport of the ``focus`` nodes in ``data``, each against the shapes targeting it."""
        focus = set(focus)
        return self._report(data, lambda shape, graph: [n for n in shape.focus_nodes(graph) if n in focus])

    @property
    def targeted(self) -> list[Node]:
        """The shapes that declare targets (the ones a full validation starts from)."""
        return [shape.node for shape in self._shapes if any((shape.node, p, None) in self.shapes for p in _TARGETS)]

    def validate_pairs(
        self, data: Graph, pairs: Mapping[Node, Collection[Node]], everything: Collection[Node] = ()
    ) -> Graph:
        """The sh:ValidationReport of each shape for the focus nodes ``pairs`` gives it (found by the caller,
        not by pyshacl); the shapes in ``everything`` for all their targets, as pyshacl finds them."""
        return self._report(
            data,
            lambda shape, graph: (
                list(shape.focus_nodes(graph)) if shape.node in everything else list(pairs.get(shape.node, ()))
            ),
        )

    def _report(self, data: Graph, focus_of: Callable[[Shape, DataGraph], list[Node]]) -> Graph:
        """Each shape validated on the focus nodes ``focus_of`` chooses for it, in one sh:ValidationReport."""
        data_graph = DataGraph.from_rdflib(data)
        executor = self._executor()
        results: list = []
        conforms = True
        with self._lock:
            apply_functions(executor, self._functions, data_graph)
            try:
                for shape in self._shapes:
                    focus = focus_of(shape, data_graph)
                    if focus:
                        shape_conforms, shape_results = shape.validate(executor, data_graph, focus=focus)
                        conforms = conforms and shape_conforms
                        results.extend(shape_results)
            finally:
                unapply_functions(self._functions, data_graph)
        report, _ = Validator.create_validation_report(self._shapes_graph, conforms, results)
        return report


_PREPARED: dict[int, FocusedValidator] = {}
_PREPARED_LOCK = threading.Lock()


def focused_validator(shapes: Graph) -> FocusedValidator:
    """The prepared validator for this shapes graph (prepared again if the graph has changed size)."""
    with _PREPARED_LOCK:
        prepared = _PREPARED.get(id(shapes))
        if prepared is None or prepared.shapes is not shapes or prepared.size != len(shapes):
            if len(_PREPARED) >= 8:
                _PREPARED.clear()
            prepared = _PREPARED[id(shapes)] = FocusedValidator(shapes)
        return prepared
