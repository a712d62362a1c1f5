"""Who may write: a bearer token from configuration (``GZG_WRITE_TOKEN``), the one check every write route
depends on. Reads are open. Without a configured token the server is read-only: writes are refused (403)
rather than open to anyone.

401 means "no credentials" (with ``WWW-Authenticate``, RFC 6750), 403 "credentials that do not allow this".
The token is compared in constant time, so its value cannot be guessed from how long a refusal takes.
"""

from __future__ import annotations

import hmac

from fastapi import Depends, HTTPException, Request

from gzg_graph.config import Settings

from .deps import get_settings

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="gzg-graph"'}


def require_writer(request: Request, settings: Settings = Depends(get_settings)) -> None:
    """Let the request through only with ``Authorization: Bearer <GZG_WRITE_TOKEN>``."""
    if settings.write_token is None:
        raise HTTPException(403, "this server is read-only: no write token is configured (GZG_WRITE_TOKEN)")
    header = request.headers.get("authorization")
    if not header:
        raise HTTPException(401, "writing needs a bearer token (Authorization: Bearer ...)", headers=CHALLENGE)
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(
            401,
            "writing needs a bearer token (Authorization: Bearer ...)",
            headers={"WWW-Authenticate": 'Bearer realm="gzg-graph", error="invalid_request"'},
        )
    if not hmac.compare_digest(token.strip().encode("utf-8"), settings.write_token.encode("utf-8")):
        raise HTTPException(
            403,
            "the bearer token does not allow writing",
            headers={"WWW-Authenticate": 'Bearer realm="gzg-graph", error="invalid_token"'},
        )
