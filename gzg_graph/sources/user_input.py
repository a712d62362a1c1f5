"""RDF from users (request bodies, files, stdin) checked before any parser sees it, in linear time.

A parser must never be the way to take the service down: pyoxigraph's RDF/XML parser expands XML entities,
so a 1 KB "billion laughs" document becomes gigabytes; JSON-LD ``null`` parses as an empty graph; a
truncated document may parse as less than was sent. So, before parsing:

* RDF/XML must be well-formed XML (checked by expat) and may carry no DTD: no ``<!DOCTYPE``, no entities;
* JSON-LD must be a JSON object or array;
* the text syntaxes must be UTF-8, as their specifications say;
* input is read with a byte limit (files, stdin and bodies alike), and a document with no triples is
  refused rather than reported as conforming.
"""

from __future__ import annotations

import json
import sys
import xml.parsers.expat
from pathlib import Path
from typing import BinaryIO

from ..errors import SourceError
from ..formats import RdfFormat

#: What a user's document may not contain in RDF/XML (internal subsets and entity declarations).
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


def check_document(data: bytes, fmt: RdfFormat, source: str) -> None:
    """Raise SourceError (with line and column where known) when ``data`` is not safe to parse as ``fmt``."""
    if not data.strip():
        raise SourceError(source, f"the {fmt.label} document is empty")
    if fmt == RdfFormat.RDFXML:
        _check_xml(data, source)
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise SourceError(source, f"not UTF-8 (byte {e.start}): {fmt.label} documents are UTF-8", line=line) from e
    if fmt == RdfFormat.JSONLD:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as e:
            raise SourceError(source, f"invalid JSON: {e.msg}", line=e.lineno, column=e.colno) from e
        except RecursionError as e:
            raise SourceError(source, "the JSON nests too deeply to be a JSON-LD document") from e
        if not isinstance(document, dict | list) or not document:
            raise SourceError(source, "a JSON-LD document is a non-empty JSON object or array")


def _check_xml(data: bytes, source: str) -> None:
    for marker in _DTD_MARKERS:
        if marker in data:
            line = data.count(b"\n", 0, data.index(marker)) + 1
            raise SourceError(
                source,
                "RDF/XML with a DTD or entity declarations is not accepted "
                "(they can expand without bound); write the IRIs out",
                line=line,
            )
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as e:
        reason = xml.parsers.expat.ErrorString(e.code)
        raise SourceError(source, f"invalid RDF/XML: {reason}", line=e.lineno, column=e.offset + 1) from e


def read_limited(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path`` (``-`` for standard input), refused beyond ``max_bytes`` without reading on."""
    try:
        if str(path) == "-":
            return _read(sys.stdin.buffer, "standard input", max_bytes)
        with open(path, "rb") as handle:
            return _read(handle, str(path), max_bytes)
    except IsADirectoryError as e:
        raise SourceError(path, "is a directory, not an RDF file") from e
    except OSError as e:
        raise SourceError(path, f"cannot read: {e.strerror}") from e


def _read(handle: BinaryIO, name: str, max_bytes: int) -> bytes:
    data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise SourceError(name, f"larger than {max_bytes} bytes (the limit; --max-bytes or GZG_MAX_REQUEST_BYTES)")
    return data
