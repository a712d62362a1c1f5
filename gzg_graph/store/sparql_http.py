"""Talking to a SPARQL 1.1 store over HTTP: the Protocol (queries), Update, and the Graph Store Protocol.

Queries and updates go through SPARQLWrapper; the Graph Store Protocol, for which SPARQLWrapper has no verb, is
plain HTTP (urllib, as SPARQLWrapper itself uses). This module only moves requests and answers and turns HTTP
failures into the project's errors; what the answers mean, and the store's quirks, are :mod:`.remote`'s.

Known quirks of the stores this was tested with are recognised here where they show in the HTTP exchange:

* Virtuoso caps a result at ``ResultSetMaxRows`` rows (10,000 by default) and says so only in the header
  ``X-SPARQL-MaxRows`` of a SELECT answer (a CONSTRUCT or a Graph Store read is cut without a word);
* Virtuoso's "anytime queries" answer with what they found so far when a time limit runs out, marked by the
  header ``X-SQL-State``: such an answer is refused as a timeout, never passed on as if complete;
* Virtuoso answers a duration as a number of months or seconds: written as a duration again
  (:mod:`.remote_literals`) before anything reads the answer.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from SPARQLWrapper import BASIC, DIGEST, INSERT, POST, SELECT, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException, Unauthorized

from ..errors import QueryError, QueryTimeout, StoreError, StoreUnavailable
from .remote_literals import repair_durations


@dataclass(frozen=True)
class SparqlEndpoints:
    """Where a remote store answers, and who we are to it.

    ``query`` answers SPARQL queries; ``update`` (default: ``query``) takes updates; ``graph_store`` (optional)
    speaks the Graph Store Protocol, used for bulk loads and reads when given (else updates and queries are).
    ``row_cap`` is the most rows the store answers at once when it does not say (Virtuoso: ResultSetMaxRows).
    """

    query: str
    update: str | None = None
    graph_store: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)  # a secret: never shown
    auth: str = "digest"  # or "basic"
    timeout_seconds: float = 60.0
    #: A write's switch moves every triple of a rebuild in one request: it may take minutes on a large dataset,
    #: and a client that gave up early would report a failure for a write that the store then commits.
    write_timeout_seconds: float = 3600.0
    row_cap: int = 10_000

    @property
    def update_url(self) -> str:
        return self.update or self.query


@dataclass(frozen=True)
class Answer:
    """The body of an HTTP answer with the headers the remote store's quirks show in."""

    body: bytes
    content_type: str
    capped_at: int | None  # X-SPARQL-MaxRows: the result was cut at this many rows


class SparqlClient:
    """HTTP requests to the endpoints, with their credentials; thread-safe (no request state is shared)."""

    def __init__(self, endpoints: SparqlEndpoints):
        self.endpoints = endpoints
        handlers: list[urllib.request.BaseHandler] = []
        if endpoints.user is not None and endpoints.graph_store:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, endpoints.graph_store, endpoints.user, endpoints.password or "")
            kind = (
                urllib.request.HTTPDigestAuthHandler
                if endpoints.auth == "digest"
                else urllib.request.HTTPBasicAuthHandler
            )
            handlers.append(kind(passwords))
        self._http = urllib.request.build_opener(*handlers)

    # ---------------------------------------------------------------- SPARQL Protocol and Update

    def query(self, sparql: str, accept: str, default_graphs: list[str], named_graphs: list[str]) -> Answer:
        """POST a query (form-encoded) with its dataset given by the protocol's parameters."""
        wrapper = self._wrapper(self.endpoints.query)
        wrapper.setQuery(sparql)
        # the form field: SPARQLWrapper picks 'query=' or 'update=' by a keyword it looks for in the text, and a
        # comment fooled it ("# Filters are inserted at ..." sent a collection's SELECT as 'update=': Virtuoso
        # reads both fields alike, an Oxigraph server refused it). We know which we send.
        wrapper.queryType = SELECT
        wrapper.addCustomHttpHeader("Accept", accept)
        for graph in default_graphs:
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs:
            wrapper.addNamedGraph(graph)
        response = self._send(wrapper)
        headers = response.info()
        if headers.get("X-SQL-State"):  # Virtuoso: a partial "anytime" answer after a time limit
            raise QueryTimeout(
                f"the SPARQL store stopped the query at its time limit ({headers.get('X-SQL-Message', '').strip()})"
            )
        capped = headers.get("X-SPARQL-MaxRows")
        body = repair_durations(response.read())
        return Answer(body, headers.get("Content-Type", ""), int(capped) if capped else None)

    def update(self, sparql: str) -> None:
        """POST an update request; the store runs it as one transaction (SPARQL 1.1 Update, 3.1: atomically)."""
        wrapper = self._wrapper(self.endpoints.update_url)
        wrapper.setTimeout(int(self.endpoints.write_timeout_seconds))
        wrapper.setQuery(sparql)
        wrapper.queryType = INSERT  # 'update=', whatever the text looks like (see query())
        wrapper.addCustomHttpHeader("Accept", "*/*")
        self._send(wrapper).read()

    def _wrapper(self, url: str) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(url, updateEndpoint=self.endpoints.update_url)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setOnlyConneg(True)  # no "format=" parameter: the Accept header alone says what we read
        wrapper.setTimeout(int(self.endpoints.timeout_seconds))
        if self.endpoints.user is not None:
            wrapper.setHTTPAuth(DIGEST if self.endpoints.auth == "digest" else BASIC)
            wrapper.setCredentials(self.endpoints.user, self.endpoints.password or "")
        return wrapper

    def _send(self, wrapper: SPARQLWrapper) -> Any:
        try:
            return wrapper.query().response
        except QueryBadFormed as e:
            raise QueryError(f"the SPARQL store refused the request: {_message(e)}") from e
        except Unauthorized as e:
            raise StoreUnavailable(
                f"the SPARQL store at {wrapper.endpoint} refused our credentials (GZG_SPARQL_USER)"
            ) from e
        except SPARQLWrapperException as e:
            message = _message(e)
            if _is_syntax_error(message):  # Virtuoso answers a compile error with 500
                raise QueryError(f"the SPARQL store refused the request: {message}") from e
            raise StoreUnavailable(f"the SPARQL store at {wrapper.endpoint} failed: {message}") from e
        except TimeoutError as e:
            raise QueryTimeout(f"the SPARQL store did not answer within {self.endpoints.timeout_seconds} s") from e
        except urllib.error.URLError as e:
            if isinstance(e.reason, TimeoutError):
                raise QueryTimeout(f"the SPARQL store did not answer within {self.endpoints.timeout_seconds} s") from e
            raise StoreUnavailable(f"cannot reach the SPARQL store at {wrapper.endpoint}: {e.reason}") from e

    # ---------------------------------------------------------------- Graph Store Protocol

    def post_graph(self, graph: str, ntriples: bytes) -> None:
        """Add N-Triples to a graph (Graph Store Protocol POST, indirect identification ``?graph=``)."""
        self._graph_store("POST", graph, content=ntriples, headers={"Content-Type": "application/n-triples"})

    def _graph_store(self, method: str, graph: str, content: bytes, headers: dict[str, str]) -> bytes:
        url = self.endpoints.graph_store
        if url is None:  # pragma: no cover - callers check
            raise StoreError("no Graph Store endpoint is configured (GZG_GRAPH_STORE_ENDPOINT)")
        separator = "&" if "?" in url else "?"
        target = f"{url}{separator}{urllib.parse.urlencode({'graph': graph})}"
        request = urllib.request.Request(target, data=content, headers=headers, method=method)
        try:
            with self._http.open(request, timeout=self.endpoints.write_timeout_seconds) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as e:
            if e.code == 401:
                raise StoreUnavailable(f"the Graph Store at {url} refused our credentials (GZG_SPARQL_USER)") from e
            detail = e.read()[:500].decode("utf-8", errors="replace")
            failed = StoreUnavailable if e.code >= 500 else StoreError  # a 4xx: what we sent, not the store
            raise failed(f"the Graph Store at {url} answered {e.code}: {detail}") from e
        except TimeoutError as e:
            raise StoreUnavailable(
                f"the Graph Store at {url} did not answer within {self.endpoints.write_timeout_seconds} s"
            ) from e
        except urllib.error.URLError as e:
            raise StoreUnavailable(f"cannot reach the Graph Store at {url}: {e.reason}") from e

    def close(self) -> None:
        """Nothing is kept open: every request has its own connection."""


def _message(error: Exception) -> str:
    """What the store said, without SPARQLWrapper's boilerplate and without echoing the whole request back."""
    text = str(error)
    text = text.split("Response:\n", 1)[-1].strip()
    if isinstance(text, str) and text.startswith("b'"):
        text = text[2:-1].encode().decode("unicode_escape", errors="replace")
    return text.split("\n\nSPARQL query:", 1)[0].strip()[:1000]


def _is_syntax_error(message: str) -> bool:
    """Whether a store's error message reports a query it cannot compile or evaluate rather than a failure of
    the store itself. Virtuoso answers both with 500 and names the SQL state: ``37000`` (syntax), ``S0022`` (no
    such column), ``22xxx`` (data) and ``42xxx`` are the query's; ``08`` (connection), ``40`` (transaction
    rollback), ``HY`` and ``S1`` states (resources, time) are the store's."""
    state = _VIRTUOSO_STATE.match(message)
    if state:
        return not state.group(1).startswith(("08", "40", "HY", "S1"))
    return "syntax error" in message.lower()


_VIRTUOSO_STATE = re.compile(r"^Virtuoso (\w{5}) Error")
