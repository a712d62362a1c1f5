"""Which store a deployment uses: the embedded one by default, a remote SPARQL store when configured.

One setting switches: ``GZG_SPARQL_ENDPOINT`` (with ``GZG_SPARQL_UPDATE_ENDPOINT``, ``GZG_GRAPH_STORE_ENDPOINT``
and ``GZG_SPARQL_USER``/``GZG_SPARQL_PASSWORD`` where the store needs them). Every command and the API open
their store here, so none of them knows which one it got.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..config import Settings
from .base import Store
from .embedded import EmbeddedStore
from .remote import RemoteStore
from .sparql_http import SparqlEndpoints


def endpoints_of(settings: Settings) -> SparqlEndpoints | None:
    """The remote store's endpoints, or None for the embedded store."""
    if settings.sparql_endpoint is None:
        return None
    return SparqlEndpoints(
        query=settings.sparql_endpoint,
        update=settings.sparql_update_endpoint,
        graph_store=settings.graph_store_endpoint,
        user=settings.sparql_user,
        password=settings.sparql_password,
        auth=settings.sparql_auth,
        timeout_seconds=settings.query_timeout_seconds,
        row_cap=settings.sparql_row_cap,
    )


def open_store(settings: Settings, *, prefixes: Mapping[str, str] | None = None, create: bool = False) -> Store:
    """The configured store. ``create=False`` refuses a store that holds no dataset (commands that only read).

    The remote store's writers share a file lock in ``settings.store_dir`` (the processes of one machine)."""
    endpoints = endpoints_of(settings)
    if endpoints is None:
        return EmbeddedStore(settings.store_dir, prefixes=prefixes, create=create)
    return RemoteStore(
        endpoints,
        lock_directory=settings.store_dir,
        prefixes=prefixes,
        create=create,
        max_result_bytes=settings.max_result_bytes,
    )
