"""``gzg lblod``: keeping in step with LBLOD.

``import FILE...`` derives a newer LBLOD export (the files of ``../shared/lblod``; a folder stands for its files)
by the rules of ``scripts/derive_lblod_data.py``, validates the store with it and replaces the LBLOD graph in one
step, reporting what changed; ``reconcile`` says how each organisation our data names links to LBLOD.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import GzgError
from ..lblod_sync.changes import LblodChanges
from .common import Lang, LangOption, StoreOption, app, err, fail, open_store, out, settings_with

lblod_app = typer.Typer(
    help="Keep in step with LBLOD: import a newer export into the store, reconcile our organisations.",
    no_args_is_help=True,
)
app.add_typer(lblod_app, name="lblod")

JsonOption = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]
DataOption = Annotated[Path | None, typer.Option("--data", help="Source directory (default: data/).")]


@lblod_app.command("import")
def import_export(
    files: Annotated[
        list[Path], typer.Argument(help="The export's files (or folders of them), as in ../shared/lblod.")
    ],
    write_data: Annotated[
        Path | None,
        typer.Option("--write-data", help="Also write the derived files here (data/lblod) so `gzg build` keeps them."),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Derive, compare and validate; write nothing.")] = False,
    full_validation: Annotated[
        bool, typer.Option("--full-validation", help="Validate the whole dataset, not only what changes.")
    ] = False,
    as_json: JsonOption = False,
    lang: LangOption = Lang.en,
    store: StoreOption = None,
) -> None:
    """Replace the store's LBLOD graph with a newer export, if the store with it still conforms to the shapes.

    Exit 0: imported (or nothing changed); 1: refused (violations, store unchanged); 2: unusable input."""
    from ..lblod_sync.importing import ImportRefused, import_lblod

    settings = settings_with(store)
    try:
        result = import_lblod(
            settings,
            open_store(settings),
            files,
            write_data=write_data,
            dry_run=dry_run,
            full_validation=full_validation,
        )
    except ImportRefused as e:
        if as_json:
            body = {
                "written": False,
                "refused": True,
                "changes": e.changes.as_json(),
                "report": e.report.to_json(lang.value),
            }
            sys.stdout.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        else:
            _print_changes(e.changes)
            err.print(e.report.text(lang.value), highlight=False, markup=False, soft_wrap=True)
        fail(str(e))
    except GzgError as e:
        fail(f"LBLOD import failed, store unchanged: {e}", 2)
    if as_json:
        sys.stdout.write(json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n")
        return
    _print_changes(result.changes)
    for note in result.notes:
        out.print(f"note: {note}", highlight=False, markup=False, soft_wrap=True)
    if not result.changes:
        verdict = "no changes: the store's LBLOD graph already holds this export; nothing written"
    elif result.written:
        verdict = f"imported: the LBLOD graph now has {result.triples} triples ({result.validation} validation)"
    else:
        verdict = f"dry run: the export conforms ({result.validation} validation); nothing written"
    out.print(verdict, highlight=False, markup=False)
    if result.data_files:
        out.print(f"wrote {', '.join(result.data_files)}", highlight=False, markup=False, soft_wrap=True)
    elif result.written:
        out.print(
            "note: `gzg build` rebuilds the LBLOD graph from data/lblod; rerun with --write-data data/lblod "
            "to keep this import",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


def _print_changes(changes: LblodChanges) -> None:
    counts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in changes.counts().items())
    out.print(f"changes: {counts}; +{changes.triples_added} -{changes.triples_removed} triples", highlight=False)
    tables: list[tuple[str, tuple[str, ...], list[tuple[str, ...]]]] = [
        ("new units", ("name", "kind", "uri"), [(u["name"], u["classification"], u["uri"]) for u in changes.new_units]),
        (
            "ended units",
            ("name", "kind", "last day", "successors"),
            [
                (e.name, e.classification, e.last_day, ", ".join(s["name"] for s in e.successors))
                for e in changes.ended_units
            ],
        ),
        (
            "removed units",
            ("name", "kind", "uri"),
            [(u["name"], u["classification"], u["uri"]) for u in changes.removed_units],
        ),
        ("renamed units", ("old name", "new name", "uri"), [(r.old, r.new, r.uri) for r in changes.renamed_units]),
        (
            "changed identifiers",
            ("unit", "identifier", "old", "new"),
            [(i.name, i.scheme, i.old or "—", i.new or "—") for i in changes.identifiers],
        ),
        ("new change events", ("date", "description"), [(e.date, e.description) for e in changes.change_events]),
    ]
    for title, columns, rows in tables:
        if rows:
            table = Table(*columns, title=title)
            for row in rows:
                table.add_row(*row)
            out.print(table)


@lblod_app.command("reconcile")
def reconcile_command(
    lblod_dir: Annotated[
        Path | None,
        typer.Option("--lblod", help="The LBLOD files to link against (default: data/lblod, what `gzg build` uses)."),
    ] = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """How each organisation our data names links to LBLOD: by KBO number, NIS code or name; what is ambiguous.

    Exit 0: every reference links to one organisation; 1: some are ambiguous or unmatched."""
    from ..lblod_sync.reconcile import reconcile

    settings = settings_with(data=data)
    try:
        result = reconcile(settings.require_data_dir(), lblod_dir)
    except GzgError as e:
        fail(str(e), 2)
    if as_json:
        sys.stdout.write(json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        table = Table("where", "reference", "role", "status", "key", "LBLOD unit / partner", "notes")
        for link in result.links:
            notes = "; ".join([*link.notes, *(f"candidate: {c}" for c in link.candidates)])
            name = f"{link.name} <{link.uri}>" if link.uri else link.name
            table.add_row(f"{link.file}:{link.line}", link.reference, link.role, link.status, link.key, name, notes)
        out.print(table)
        out.print(", ".join(f"{n} {what}" for what, n in result.counts().items()), highlight=False)
    if not result.complete:
        raise typer.Exit(1)
