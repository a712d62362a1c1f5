"""Reading our own Turtle files (ontology, shapes, concepts): relative IRIs, precise syntax errors."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from .errors import SourceError
from .namespaces import bind_prefixes
from .uris import UriPolicy


def parse_turtle(path: Path, uris: UriPolicy | None = None) -> Graph:
    """Parse a Turtle file; a syntax error becomes a SourceError with file and line.

    With ``uris``, relative IRIs (``<ns/gzg#>``, ``<id/...>``) resolve against the configured base; files
    imported verbatim (LBLOD, Loket) have only absolute IRIs and need none.
    """
    graph = bind_prefixes(Graph(), str(uris.ns) if uris else None)
    try:
        graph.parse(path, format="turtle", publicID=uris.parse_base if uris else None)
    except FileNotFoundError as e:
        raise SourceError(path, "file not found") from e
    except Exception as e:  # rdflib raises BadSyntax and friends, all without a common base
        raise SourceError(path, f"invalid Turtle: {_syntax_message(e)}", line=_syntax_line(e)) from e
    return graph


def _syntax_line(error: Exception) -> int | None:
    """The 1-based line of an rdflib Turtle error, counted from the error's offset in the parsed text.

    rdflib's own ``lines`` counter over-counts (it re-counts newlines when the parser backtracks), so the
    offset ``_i`` into the text ``_str`` is the reliable part of its BadSyntax.
    """
    text, offset = getattr(error, "_str", None), getattr(error, "_i", None)
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if isinstance(text, str) and isinstance(offset, int):
        return text[:offset].count("\n") + 1
    lines = getattr(error, "lines", None)
    if isinstance(lines, int):
        return lines + 1
    return getattr(error, "line", None) if isinstance(getattr(error, "line", None), int) else None


def _syntax_message(error: Exception) -> str:
    """The parser's reason without its echo of the input (rdflib's BadSyntax keeps it in ``_why``)."""
    message = getattr(error, "_why", None) or getattr(error, "message", None) or str(error)
    return " ".join(str(message).split())[:300]
