"""Constant parts of a SPARQL constraint written out before the query is planned.

Our SPARQL constraints derive our own IRIs from ``$currentShape`` (``BIND(IRI(CONCAT(STRBEFORE(
STR($currentShape), "shapes/gzg#"), "ns/gzg#oproep")) AS ?oproep)``), so that they hold for any base URI.
pyshacl binds ``$currentShape`` per evaluation; a query over all targets at once that computes the IRI in
a BIND leaves pyoxigraph a variable predicate to join blindly: measured at 100k triples, 150 s for one
constraint, against a fraction of a second with the IRI written out.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

_BIND = re.compile(
    r"BIND\s*\((?P<expression>(?:(?!\bBIND\b).)*?)\s+AS\s+[?$](?P<name>\w+)\s*\)", re.DOTALL | re.IGNORECASE
)


def constant_binds(text: str, shape: str) -> str:
    """The query with ``$currentShape`` (``shape``: the shape as SPARQL text) and every BIND computed from
    constants alone written out as constants (a variable bound once, nowhere else)."""
    text = re.sub(r"[$?]currentShape\b", lambda _: shape, text)
    while True:
        for match in _BIND.finditer(text):
            expression, name = match["expression"], match["name"]
            if re.search(r"[?$]\w", expression) or len(re.findall(rf"\bAS\s+[?$]{name}\b", text)) != 1:
                continue
            value = _evaluate(expression)
            if value is None:
                continue
            text = text[: match.start()] + text[match.end() :]
            text = re.sub(rf"[?$]{name}\b", value.replace("\\", "\\\\"), text)  # escaped for re.sub
            break
        else:
            return text


def _evaluate(expression: str) -> str | None:
    """A constant SPARQL expression's value (None if it has none)."""
    try:
        solutions = ox.Store().query(f"SELECT ?value WHERE {{ BIND({expression} AS ?value) }}")
    except (SyntaxError, OSError, ValueError):
        return None
    assert isinstance(solutions, ox.QuerySolutions)
    rows = [row[0] for row in solutions]
    return str(rows[0]) if rows and rows[0] is not None else None
