"""What a query from outside may be, checked before it reaches any engine.

pyoxigraph's parser recurses: 2,500 nested braces or a chain of ~7,000 ``UNION``s overflows its stack and
kills the process, and ``SERVICE`` makes the engine send requests to any address it can reach. So every
query from a user (``gzg query``, ``/sparql``) is scanned here first, in linear time and without recursion:

* its size, its nesting depth (``{ ( [``) and its number of operators (``&& || UNION OPTIONAL ...``) are
  bounded (:class:`QueryLimits`), far below what breaks the parser, far above what a real query needs;
* every ``SERVICE`` endpoint must be on the allow-list (empty by default), resolved through the query's
  own ``PREFIX`` and ``BASE`` declarations; a variable endpoint is refused, as it cannot be checked.

A refusal is a :class:`~gzg_graph.errors.QueryError` that says which limit and where (line, column), so
the API answers 400 and the CLI prints one line; no connection is ever made for a refused query.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin

from ..config import Settings
from ..errors import QueryError

#: Lexical pieces of SPARQL that the checks must see through: an IRI, a string, a comment.
_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_LONG_STRING = re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\"", re.S)
_STRING = re.compile(r"'(?:[^'\\\n\r]|\\.)*'|\"(?:[^\"\\\n\r]|\\.)*\"")
_COMMENT = re.compile(r"#[^\n\r]*")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-.]*:?[A-Za-z0-9_\-.:%\\]*|[?$][A-Za-z0-9_]+")
_OPERATORS = frozenset(
    {"&&", "||", "UNION", "OPTIONAL", "MINUS", "+", "-", "*", "/", "=", "!=", "<", ">", "<=", ">=", "|", "^"}
)


@dataclass(frozen=True)
class QueryLimits:
    """Bounds on a query from outside. The defaults leave room for any query a person writes."""

    max_bytes: int = 100 * 1024
    max_depth: int = 100
    max_operators: int = 2000
    allowed_services: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_settings(cls, settings: Settings) -> QueryLimits:
        return cls(
            settings.max_query_bytes, settings.max_query_depth, settings.max_query_operators, settings.allowed_services
        )


@dataclass(frozen=True)
class Token:
    kind: str  # 'iri', 'word', 'punct'
    text: str
    offset: int


@dataclass
class Prologue:
    """The PREFIX and BASE declarations read so far, to resolve the IRIs a query names (SERVICE, FROM)."""

    prefixes: dict[str, str] = field(default_factory=dict)
    base: str = ""

    def declare(self, items: list[Token], index: int) -> bool:
        """Record the PREFIX or BASE declaration that starts at ``items[index]``; False if none does."""
        word = items[index].text.upper() if items[index].kind == "word" else ""
        if word == "PREFIX" and index + 2 < len(items) and items[index + 2].kind == "iri":
            self.prefixes[items[index + 1].text.rstrip(":")] = urljoin(self.base, items[index + 2].text[1:-1])
            return True
        if word == "BASE" and index + 1 < len(items) and items[index + 1].kind == "iri":
            self.base = urljoin(self.base, items[index + 1].text[1:-1])
            return True
        return False

    def iri(self, token: Token | None) -> str | None:
        """The absolute IRI a token names (an IRI against BASE, a prefixed name with a declared prefix)."""
        if token is None:
            return None
        if token.kind == "iri":
            return urljoin(self.base, token.text[1:-1])
        if token.kind == "word" and ":" in token.text and token.text[0] not in "?$":
            prefix, _, local = token.text.partition(":")
            return self.prefixes[prefix] + local if prefix in self.prefixes else None
        return None


#: Queries up to this length have their check remembered (a client repeats its queries; checking a query
#: of a few kilobytes costs about half a millisecond, more than a point query itself takes).
REMEMBERED_CHARS = 16 * 1024


def check_query(sparql: str, limits: QueryLimits) -> bool:
    """Raise QueryError when ``sparql`` (a query or update) exceeds ``limits`` or calls a SERVICE not allowed;
    else return whether it calls an (allowed) SERVICE, whose failures :func:`without_remote_text` hides.
    A query that passed is remembered (a refused one is checked again: its error is raised each time)."""
    return _remembered(sparql, limits) if len(sparql) <= REMEMBERED_CHARS else _check(sparql, limits)


@functools.lru_cache(maxsize=1024)
def _remembered(sparql: str, limits: QueryLimits) -> bool:
    return _check(sparql, limits)


def _check(sparql: str, limits: QueryLimits) -> bool:
    size = len(sparql.encode("utf-8", errors="surrogatepass"))
    if size > limits.max_bytes:
        raise QueryError(f"the query is {size} bytes long; at most {limits.max_bytes} are accepted")
    depth = operators = 0
    calls_service = False
    prologue = Prologue()
    items = list(tokens(sparql))
    for index, token in enumerate(items):
        if token.kind == "punct" and token.text in "{([":
            depth += 1
            if depth > limits.max_depth:
                raise QueryError(
                    f"{where(sparql, token.offset)}: the query nests deeper than {limits.max_depth} levels of {{ ( ["
                )
        elif token.kind == "punct" and token.text in "})]":
            depth = max(0, depth - 1)
        elif token.text.upper() in _OPERATORS or token.text in _OPERATORS:
            operators += 1
            if operators > limits.max_operators:
                raise QueryError(
                    f"{where(sparql, token.offset)}: the query has more than {limits.max_operators} "
                    "operators (&&, ||, UNION, OPTIONAL, ...)"
                )
        elif prologue.declare(items, index):
            continue
        elif token.kind == "word" and token.text.upper() == "SERVICE":
            _check_service(sparql, items, index, prologue, limits.allowed_services)
            calls_service = True
    return calls_service


def without_remote_text(error: QueryError) -> QueryError:
    """An evaluation error of a query that calls a SERVICE, without what the remote endpoint said: an
    endpoint's error body is never passed on to our caller (it may be anything, from anywhere)."""
    if type(error) is not QueryError or str(error).startswith("SPARQL syntax error"):
        return error  # our own messages: timeouts, result caps, syntax
    return QueryError("the query failed while calling a SERVICE endpoint; what the endpoint answered is not passed on")


def _check_service(sparql: str, items: list[Token], index: int, prologue: Prologue, allowed: frozenset[str]) -> None:
    place = where(sparql, items[index].offset)
    following = items[index + 1 : index + 3]
    if following and following[0].text.upper() == "SILENT":
        following = following[1:]
    if not following:
        raise QueryError(f"{place}: SERVICE without an endpoint")
    target = following[0]
    endpoint = prologue.iri(target)
    if endpoint is None and target.kind == "word" and ":" in target.text and target.text[0] not in "?$":
        raise QueryError(f"{place}: SERVICE endpoint {target.text} uses an undeclared prefix")
    if endpoint is None:
        raise QueryError(
            f"{place}: SERVICE needs a fixed endpoint IRI; {target.text} cannot be checked "
            "against the allowed endpoints"
        )
    if endpoint not in allowed:
        listed = ", ".join(sorted(allowed)) if allowed else "none are configured (GZG_SERVICE_ALLOW)"
        raise QueryError(f"{place}: SERVICE <{endpoint}> is not an allowed endpoint; allowed: {listed}")


def tokens(sparql: str) -> Iterator[Token]:
    """The query's tokens with IRIs, strings and comments recognised, so their content counts as nothing."""
    position, length = 0, len(sparql)
    while position < length:
        char = sparql[position]
        if char.isspace():
            position += 1
            continue
        if char == "#":
            match = _COMMENT.match(sparql, position)
            position = match.end() if match else length
            continue
        if char == "<":
            match = _IRI.match(sparql, position)
            if match:
                yield Token("iri", match.group(), position)
                position = match.end()
                continue
        if char in "'\"":
            match = _LONG_STRING.match(sparql, position) or _STRING.match(sparql, position)
            if match is None:  # an unterminated string: the parser will say so; nothing after it counts
                return
            position = match.end()
            continue
        match = _WORD.match(sparql, position)
        if match:
            yield Token("word", match.group(), position)
            position = match.end()
            continue
        two = sparql[position : position + 2]
        if two in ("&&", "||", "!=", "<=", ">=", "^^"):
            yield Token("punct", two, position)
            position += 2
            continue
        yield Token("punct", char, position)
        position += 1


def where(sparql: str, offset: int) -> str:
    """``line L, column C`` (1-based) of an offset, as the parser's own errors give them."""
    line = sparql.count("\n", 0, offset) + 1
    column = offset - (sparql.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"
