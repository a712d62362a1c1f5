"""A SPARQL 1.1 Update request, read into the operations a store runs one by one.

Why one by one: the default graph of this service is the RDF merge of the named graphs, kept materialised
(:mod:`.dataset`). An operation must see the merge as the operations before it in the same request left it
(``INSERT DATA { GRAPH <g> {...} } ; INSERT {...} WHERE {...}`` sees the first insert in the second's
``WHERE``), so the store rebuilds the merge between operations. Each operation is run with the ``PREFIX``
and ``BASE`` declarations written before it (an update's prologue accumulates, SPARQL 1.1 grammar rule
``Update``).

The protocol's ``using-graph-uri`` / ``using-named-graph-uri`` (SPARQL 1.1 Protocol, 2.2.3) become
``USING`` / ``USING NAMED`` clauses of every operation that has a ``WHERE``; a request that names its own
``USING`` or ``WITH`` as well is refused, as the protocol requires. ``LOAD`` is refused: this service never
fetches data from an address a request names (POST the data to the Graph Store Protocol instead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import QueryError
from .guard import Prologue, Token, tokens, where

#: Words that start an update operation (SPARQL 1.1 Update grammar, rule ``Update1``).
OPERATIONS = frozenset({"LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "INSERT", "DELETE", "WITH"})


@dataclass(frozen=True)
class UsingDataset:
    """The dataset the protocol gives an update's ``WHERE`` (``using-graph-uri``, ``using-named-graph-uri``)."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.default or self.named)

    def clauses(self) -> str:
        return " ".join([f"USING <{g}>" for g in self.default] + [f"USING NAMED <{g}>" for g in self.named])


def operations(sparql: str, using: UsingDataset | None = None) -> list[str]:
    """The operations of an update request, each a complete update text of one operation.

    Every character of the request belongs to one operation's text (only the ``;`` between them is left
    out), so text the scanner could not read (an unterminated string) still reaches the parser, which refuses
    it. Raises :class:`QueryError` for ``LOAD`` and for ``USING``/``WITH`` together with protocol dataset
    parameters. An empty request is a valid update that does nothing: ``[]``.
    """
    result: list[str] = []
    declarations: list[tuple[int, int]] = []
    segments = _segments(sparql)
    for number, segment in enumerate(segments, 1):
        body_start = _skip_declarations(segment.tokens, declarations)
        if body_start >= len(segment.tokens):
            if number < len(segments):  # ``;`` must follow an operation (grammar rule Update)
                raise QueryError(f"{where(sparql, segment.end)}: ';' without an update operation before it")
            continue  # the end: only declarations (or nothing), which is allowed
        first = segment.tokens[body_start]
        word = first.text.upper() if first.kind == "word" else ""
        if word not in OPERATIONS:
            raise QueryError(f"{where(sparql, first.offset)}: expected an update operation, not {first.text!r}")
        if word == "LOAD":
            raise QueryError(
                f"{where(sparql, first.offset)}: LOAD is not offered: this service does not fetch data from "
                "other addresses; send the data with the Graph Store Protocol (PUT or POST) instead"
            )
        text = _blanked(sparql, [*declarations, (first.offset, segment.end)])
        if using:
            text = _with_using(text, segment.tokens[body_start:], segment.end, using)
        result.append(text)
    return result


def _blanked(sparql: str, keep: list[tuple[int, int]]) -> str:
    """``sparql`` with everything outside the ``keep`` ranges turned into spaces (line breaks stay), so that
    an operation run on its own keeps its place: the parser's line and column are those of the request."""
    pieces: list[str] = []
    position = 0
    for start, end in keep:
        pieces.append(re.sub(r"[^\n]", " ", sparql[position:start]))
        pieces.append(sparql[start:end])
        position = end
    pieces.append(re.sub(r"[^\n]", " ", sparql[position:]))
    return "".join(pieces)


@dataclass(frozen=True)
class _Segment:
    tokens: list[Token]
    end: int  # the offset of the ``;`` after it, or the end of the request


def _segments(sparql: str) -> list[_Segment]:
    """The request split at each ``;`` outside braces: one segment per operation (with its declarations)."""
    segments: list[_Segment] = []
    current: list[Token] = []
    depth = 0
    for token in tokens(sparql):
        if token.kind == "punct" and token.text in "{([":
            depth += 1
        elif token.kind == "punct" and token.text in "})]":
            depth = max(0, depth - 1)
        if depth == 0 and token.kind == "punct" and token.text == ";":
            segments.append(_Segment(current, token.offset))
            current = []
        else:
            current.append(token)
    segments.append(_Segment(current, len(sparql)))
    return segments


def _skip_declarations(segment: list[Token], declarations: list[tuple[int, int]]) -> int:
    """Record where the PREFIX/BASE declarations at the start of a segment are; the index of its first
    other token."""
    prologue = Prologue()
    index = 0
    while index < len(segment) and prologue.declare(segment, index):
        width = 3 if segment[index].text.upper() == "PREFIX" else 2
        last = segment[index + width - 1]
        declarations.append((segment[index].offset, last.offset + len(last.text)))
        index += width
    return index


def _with_using(sparql: str, body: list[Token], end: int, using: UsingDataset) -> str:
    """An operation's text (``sparql``, blanked around it) with the protocol's dataset as ``USING`` clauses
    before its ``WHERE``."""
    words = [t.text.upper() if t.kind == "word" else t.text for t in body]
    for token, word in zip(body, words, strict=True):
        if word in ("USING", "WITH"):
            raise QueryError(
                f"{where(sparql, token.offset)}: the request gives using-graph-uri/using-named-graph-uri and "
                f"the update has its own {word}: give the dataset one way only (SPARQL 1.1 Protocol, 2.2.3)"
            )
    if words[:2] == ["DELETE", "WHERE"]:  # the short form has no USING: write it out as DELETE {P} WHERE {P}
        pattern = sparql[body[1].offset + len(body[1].text) : end]
        return f"{sparql[: body[0].offset]}DELETE {pattern} {using.clauses()} WHERE {pattern}{sparql[end:]}"
    clause = _top_level_where(body)
    if clause is None:
        return sparql  # INSERT DATA, DELETE DATA, CLEAR, ...: no WHERE, the dataset does not apply
    return f"{sparql[: clause.offset]}{using.clauses()} {sparql[clause.offset :]}"


def _top_level_where(body: list[Token]) -> Token | None:
    depth = 0
    for token in body:
        if token.kind == "punct" and token.text in "{([":
            depth += 1
        elif token.kind == "punct" and token.text in "})]":
            depth = max(0, depth - 1)
        elif depth == 0 and token.kind == "word" and token.text.upper() == "WHERE":
            return token
    return None


# ---------------------------------------------------------------- the Graph Store Protocol, as updates
# SPARQL 1.1 Graph Store HTTP Protocol, section 5, defines each write by the update it equals; the Graph
# Store routes run exactly those updates, so every write takes the one guarded path (validate, then commit).
# ``ntriples`` is the request's payload already parsed and written as N-Triples, which is valid SPARQL.


def put_graph(graph: str, ntriples: str) -> str:
    """PUT: the graph's content becomes the payload (an empty payload leaves an empty graph)."""
    return f"DROP SILENT GRAPH <{graph}> ;\nCREATE SILENT GRAPH <{graph}> ;\n{_insert(graph, ntriples)}"


def post_graph(graph: str, ntriples: str) -> str:
    """POST: the payload is merged into the graph, which is created if it does not exist."""
    return f"CREATE SILENT GRAPH <{graph}> ;\n{_insert(graph, ntriples)}"


def delete_graph(graph: str) -> str:
    """DELETE: the graph is removed."""
    return f"DROP GRAPH <{graph}>"


def _insert(graph: str, ntriples: str) -> str:
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{ntriples}\n}} }}" if ntriples.strip() else ""
