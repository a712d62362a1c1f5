"""FastAPI dependencies: the one place routes get the store, the settings and the URI policy from.

They are ``async``, as none of them blocks (a refresh of the embedded store reads one small file; the remote
store's is sent to a thread by :func:`.caching.refresh`): FastAPI runs a sync dependency in the thread pool, a
trip that cost about a millisecond per dependency per request (measured with py-spy)."""

from __future__ import annotations

from fastapi import Request
from rdflib import Graph

from gzg_graph.config import Settings
from gzg_graph.store import Store
from gzg_graph.uris import UriPolicy
from gzg_graph.validation import load_shapes

from .caching import REFRESHED, refresh


async def get_store(request: Request) -> Store:
    """The store, refreshed first when another process (``gzg build``) wrote a newer snapshot; a read that the
    conditional-request layer already refreshed keeps that generation, the one its entity tag names."""
    store = request.app.state.store
    if not getattr(request.state, REFRESHED, False):
        await refresh(store)
    return store


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_uris(request: Request) -> UriPolicy:
    return request.app.state.uris


def get_shapes(request: Request) -> Graph:
    """The SHACL shapes, parsed once per application (they change only with a deployment)."""
    shapes = getattr(request.app.state, "shapes", None)
    if shapes is None:
        shapes = request.app.state.shapes = load_shapes(request.app.state.settings.shapes, request.app.state.uris)
    return shapes
