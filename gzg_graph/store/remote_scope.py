"""How much of the dataset an update needs, so the remote store copies only that before evaluating it.

Most writes are data: ``INSERT DATA``/``DELETE DATA`` and whole graphs dropped or cleared (what the Graph
Store Protocol's writes and the stewards' writes are). Their effect depends only on the quads with the same
triples (is a triple new to the merge? does another graph still hold it?) and on the graphs they name, so the
remote store reads those instead of the whole dataset. Any other operation (``DELETE/INSERT ... WHERE``, ``ADD``,
``MOVE``, ``COPY``, ``CLEAR ALL``) can read anything: for it the whole dataset is copied.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyparsing import ParseException
from rdflib import BNode, URIRef
from rdflib.plugins.sparql.algebra import translateUpdate
from rdflib.plugins.sparql.parser import parseUpdate

from .base import Triple

_DATA = {"InsertData", "DeleteData"}
_WHOLE_GRAPH = {"Drop", "Clear", "Create"}


@dataclass
class Scope:
    """The triples an update's data blocks name, and the graphs it drops, clears or creates whole."""

    triples: set[Triple] = field(default_factory=set)
    graphs: set[str] = field(default_factory=set)


def scope_of(sparql: str, base_iri: str | None = None) -> Scope | None:
    """The update's scope, or None when it may read anything (or rdflib cannot read it: the embedded
    engine, which evaluates it, will say what is wrong)."""
    try:
        request = translateUpdate(parseUpdate(sparql), base=base_iri)
    except ParseException:
        return None
    except Exception:  # noqa: BLE001 - rdflib's algebra raises what it likes on what it cannot translate
        return None
    scope = Scope()
    for operation in request.algebra:
        if operation.name in _DATA:
            quads = operation["quads"] if "quads" in operation else {}  # noqa: SIM401 - CompValue.get differs
            for triples in [operation["triples"] if "triples" in operation else [], *quads.values()]:  # noqa: SIM401
                scope.triples.update(t for t in triples if not any(isinstance(n, BNode) for n in t))
        elif operation.name in _WHOLE_GRAPH and "graphiri" in operation and isinstance(operation["graphiri"], URIRef):
            scope.graphs.add(str(operation["graphiri"]))
        else:
            return None
    return scope
