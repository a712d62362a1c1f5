"""Reading request bodies and parameters the same way on every route: bounded, UTF-8, IRIs checked."""

from __future__ import annotations

from fastapi import HTTPException, Request

from gzg_graph.terms import is_iri


def require_utf8_charset(content_type: str) -> None:
    """SPARQL is UTF-8 (SPARQL 1.1 Protocol, 2.1.2/2.1.3): another declared charset is refused, not guessed."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise HTTPException(415, f"charset {value.strip()!r} is not accepted: send the query as UTF-8")


def utf8_text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise HTTPException(400, f"the request body is not UTF-8 (byte {e.start}); SPARQL is sent as UTF-8") from e


def graph_iris(values: list[str] | None, parameter: str) -> list[str] | None:
    """The graph IRIs of a dataset parameter; anything else is a 400 naming the parameter and the value."""
    for value in values or []:
        if not is_iri(value):
            raise HTTPException(400, f"{parameter} {value!r} is not an absolute IRI")
    return values


async def read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"request body larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"request body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
