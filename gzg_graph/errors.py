"""Errors a user can act on: each names the file (and line) or the query that is wrong."""

from __future__ import annotations

from pathlib import Path


class GzgError(Exception):
    """Base class of every error the CLI and API turn into one clear message."""


class SourceError(GzgError):
    """A source file in ``data/`` (or given by a user) cannot be read or mapped."""

    def __init__(self, file: str | Path, message: str, line: int | None = None, column: int | None = None):
        self.file = str(file)
        self.line = line
        self.column = column
        self.detail = message
        where = self.file
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")


class UnknownOrganisation(GzgError, LookupError):
    """A reference (name, KBO or NIS code) matches no known organisation."""


class AmbiguousOrganisation(GzgError, LookupError):
    """A reference matches more than one organisation; the user must be more precise."""


class QueryError(GzgError):
    """A SPARQL query or update is malformed or cannot be evaluated."""


class ResultTooLarge(QueryError):
    """A query's result exceeds the configured cap (GZG_MAX_RESULT_BYTES)."""


class QueryTimeout(QueryError):
    """A query ran longer than the configured limit (GZG_QUERY_TIMEOUT) and was stopped."""


class QueryCrashed(QueryError):
    """A query made the query engine fail (a crash or its memory limit); it was stopped, the engine restarted."""


class Overloaded(GzgError):
    """Every query slot is busy: try again shortly (``retry_after`` seconds). Nothing was run."""

    def __init__(self, message: str, retry_after: int = 1):
        self.retry_after = retry_after
        super().__init__(message)


class StoreError(GzgError):
    """The store cannot be opened, locked or written."""


class StoreUnavailable(StoreError):
    """A remote store cannot be reached, refuses our credentials or fails: the service's fault, not the request's
    (the API answers 503); the message says which store and what it said."""
