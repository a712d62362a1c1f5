"""Which steward is writing: the bearer token, looked up among the configured stewards.

Like :mod:`.auth` (401 without credentials, 403 for a token that does not allow writing, 403 when no
steward is configured at all), but the answer is the :class:`~gzg_graph.stewarding.Steward` the token
belongs to, so a write can be attributed to them. Tokens are never logged or repeated.
"""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request

from gzg_graph.config import Settings
from gzg_graph.errors import GzgError
from gzg_graph.stewarding import Steward, configured_stewards, identify

from .auth import CHALLENGE
from .deps import get_settings

INVALID = {"WWW-Authenticate": 'Bearer realm="gzg-graph", error="invalid_token"'}


def steward_for(token: str | None, settings: Settings) -> Steward:
    """The steward of ``token``; HTTPException 401 (none given) or 403 (unknown, or no stewards configured)."""
    try:
        stewards = configured_stewards(settings)
    except GzgError as e:
        raise HTTPException(503, f"the stewards' configuration is wrong: {e}") from None
    if not stewards:
        raise HTTPException(403, "this server takes no stewards' writes: set GZG_STEWARDS or GZG_WRITE_TOKEN")
    if not token or not token.strip():
        raise HTTPException(401, "writing needs a bearer token (Authorization: Bearer ...)", headers=CHALLENGE)
    steward = identify(token.strip(), stewards)
    if steward is None:
        raise HTTPException(403, "the bearer token does not allow writing", headers=INVALID)
    return steward


def require_steward(request: Request, settings: Settings = Depends(get_settings)) -> Steward:
    """The steward of ``Authorization: Bearer <token>``."""
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    if scheme and scheme.lower() != "bearer":
        raise HTTPException(
            401,
            "writing needs a bearer token (Authorization: Bearer ...)",
            headers={"WWW-Authenticate": 'Bearer realm="gzg-graph", error="invalid_request"'},
        )
    return steward_for(token, settings)
