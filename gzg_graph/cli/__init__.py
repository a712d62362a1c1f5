"""The ``gzg`` command: a thin layer that parses options, calls the library and prints.

Every failure prints one line starting with ``error:`` on stderr and exits non-zero: 1 for a refusal
(violations, a failed build), 2 for unusable input (a bad option, file, query or store directory).
The commands live in ``graph`` (build, serve, export, graphs), ``querying`` (query, queries) and
``checking`` (validate, load), ``stewards`` (the stewards' projects: export, list, clear), ``lblod`` (import a
newer LBLOD export, reconcile our organisations); what they share in ``common``.
"""

import sys

import typer
from typer.exceptions import TyperException

from . import checking, graph, lblod, querying, stewards
from .common import app, err

__all__ = ["app", "checking", "graph", "lblod", "main", "querying", "stewards"]


def main() -> None:
    """The ``gzg`` entry point: Typer's app, with usage errors as one ``error:`` line (exit 2) like all others."""
    try:
        code = app(standalone_mode=False)
    except TyperException as e:  # an unknown command or option, a bad value, a missing argument
        context = getattr(e, "ctx", None)
        if type(e).__name__ == "NoArgsIsHelpError" and context is not None:
            err.print(context.get_help(), highlight=False, markup=False)
            sys.exit(2)
        hint = f" (see `{context.command_path} --help`)" if context is not None else ""
        message = e.format_message() if hasattr(e, "format_message") else str(e)
        err.print(f"error: {message}{hint}", highlight=False, markup=False, soft_wrap=True)
        sys.exit(getattr(e, "exit_code", 2))
    except typer.Abort:
        err.print("error: aborted", highlight=False, markup=False)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
