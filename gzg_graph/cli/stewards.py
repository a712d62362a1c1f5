"""``gzg stewards``: the projects data stewards wrote through the API, back into ``data/``.

``export DIR`` writes them as ``projects.csv`` and ``participations.csv`` (the columns of ``data/``) for a
maintainer to add to ``data/``; ``list`` shows them; ``clear`` drops the stewards' graph once they are in
``data/`` (the next ``gzg build`` then has them from there).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import GzgError
from ..uris import UriPolicy
from ..validation import ValidationFailed, load_shapes
from .common import StoreOption, app, fail, open_store, out, settings_with

stewards_app = typer.Typer(
    help="The stewards' projects (written through the API): export them as CSV rows of data/, clear them.",
    no_args_is_help=True,
)
app.add_typer(stewards_app, name="stewards")

DataOption = Annotated[Path | None, typer.Option("--data", help="Source directory (default: data/).")]


@stewards_app.command("export")
def export(
    directory: Annotated[Path, typer.Argument(help="Folder to write projects.csv and participations.csv into.")],
    store: StoreOption = None,
    data: DataOption = None,
) -> None:
    """Write the stewards' projects as rows of projects.csv and participations.csv (the columns of data/)."""
    from ..stewarding import References, export_csv

    settings = settings_with(store, data)
    try:
        uris = UriPolicy(settings.base_uri)
        exported = export_csv(open_store(settings), uris, References.of(settings.require_data_dir(), uris), directory)
    except GzgError as e:
        fail(str(e))
    out.print(
        f"{len(exported.projects)} project(s), {len(exported.participations)} participation(s) written to "
        + ", ".join(str(p) for p in exported.files)
        + "; add their rows to data/, run `gzg build`, then `gzg stewards clear --yes`",
        highlight=False,
        soft_wrap=True,
    )


@stewards_app.command("list")
def list_projects(store: StoreOption = None, data: DataOption = None) -> None:
    """The stewards' projects with their consortium size."""
    from ..stewarding import References
    from ..stewarding.export import records

    settings = settings_with(store, data)
    try:
        uris = UriPolicy(settings.base_uri)
        found = records(open_store(settings), uris, References.of(settings.require_data_dir(), uris))
    except GzgError as e:
        fail(str(e))
    table = Table("id", "title", "participations", title=f"{len(found)} steward project(s)")
    for project, rows in found:
        table.add_row(project.id, project.title, str(len(rows)))
    out.print(table)


@stewards_app.command("clear")
def clear_projects(
    store: StoreOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Really drop the stewards' graph.")] = False,
) -> None:
    """Drop the stewards' graph (after its projects were exported and added to data/)."""
    from ..stewarding import clear

    if not yes:
        fail("this drops every steward's project: export them first (gzg stewards export DIR), then add --yes", 2)
    settings = settings_with(store)
    try:
        uris = UriPolicy(settings.base_uri)
        clear(open_store(settings), load_shapes(settings.shapes, uris), uris)
    except ValidationFailed as e:
        fail(f"refused, store unchanged: {e.report.summary('en')}")
    except GzgError as e:
        fail(str(e))
    out.print("the stewards' graph is cleared", highlight=False)
