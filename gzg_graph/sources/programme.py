"""The YAML files of our own data: ``programme.yaml`` (the measure, its principles, criteria and events),
``calls.yaml`` (the seven calls) and ``sources.yaml`` (the documents without URL). Every problem is a
SourceError at the line of the offending YAML node."""

from __future__ import annotations

from pathlib import Path

from .records import (
    CONCEPTS,
    Call,
    Context,
    Criterion,
    Document,
    Event,
    KeyFigures,
    Origin,
    Principle,
    Programme,
    known,
    unique,
)
from .values import parse_date, parse_decimal, parse_duration, parse_int, parse_slug, parse_url
from .yaml_files import YamlNode, optional, read_yaml

#: Event types of programme.yaml: a support session (gzg:Ondersteuningssessie) or any other event.
EVENT_TYPES = ("ondersteuningssessie", "gebeurtenis")


def read_documents(path: Path) -> tuple[Document, ...]:
    """sources.yaml: the documents without URL; their files must exist next to it."""
    root = read_yaml(path).mapping(required={"documents"})
    documents = []
    for node in root["documents"].sequence():
        entries = node.mapping(required={"id", "title", "file", "note"}, optional={"date"})
        file_name = entries["file"].text()
        if not (path.parent / file_name).is_file():
            raise entries["file"].error(f"file {file_name!r} does not exist under {path.parent}")
        documents.append(
            Document(
                id=entries["id"].parsed(parse_slug),
                title=entries["title"].text(),
                file=file_name,
                note=entries["note"].text(),
                date=optional(entries, "date", parse_date),
                origin=Origin(path, node.line),
            )
        )
    return unique(documents, lambda d: d.id, "document id")


def read_programme(path: Path, ctx: Context | None = None) -> Programme:
    """programme.yaml: the measure's own facts, its principles, criteria and events."""
    entries = read_yaml(path).mapping(
        required={"measure", "title", "description", "budget", "approval_date", "competent_authority", "source"},
        optional={"subsidy_rate", "approved_projects", "boost_projects", "principles", "criteria", "events"},
    )
    authority = entries["competent_authority"].parsed(parse_slug)
    known(
        authority, ctx.partners if ctx else None, "competent authority (a partner id)", entries["competent_authority"]
    )
    rate = optional(entries, "subsidy_rate", parse_decimal)
    if rate is not None and rate > 100:
        raise entries["subsidy_rate"].error(f"subsidy_rate is a percentage (0-100), got {rate}")
    return Programme(
        measure=entries["measure"].parsed(parse_url),
        title=entries["title"].texts(),
        description=entries["description"].texts(),
        budget=entries["budget"].parsed(parse_decimal),
        approval_date=entries["approval_date"].parsed(parse_date),
        competent_authority=authority,
        source=entries["source"].refs(ctx),
        subsidy_rate=rate,
        approved_projects=optional(entries, "approved_projects", parse_int),
        boost_projects=optional(entries, "boost_projects", parse_int),
        principles=_principles(entries["principles"], ctx) if "principles" in entries else (),
        criteria=tuple(_criterion(n, ctx) for n in entries["criteria"].sequence()) if "criteria" in entries else (),
        events=_events(entries["events"], ctx) if "events" in entries else (),
    )


def _principles(node: YamlNode, ctx: Context | None) -> tuple[Principle, ...]:
    """The guiding principles, numbered 1..n in order: the order is part of the published fact."""
    entries = node.mapping(required={"source", "items"})
    source = entries["source"].refs(ctx)
    principles = []
    for expected, item in enumerate(entries["items"].sequence(), start=1):
        fields = item.mapping(required={"number", "id", "nl"}, optional={"en"})
        number = fields["number"].parsed(parse_int)
        if number != expected:
            raise fields["number"].error(f"principle number {number} out of order: expected {expected}")
        label: dict[str, str] = {lang: fields[lang].text() for lang in ("nl", "en") if lang in fields}
        principles.append(Principle(number, fields["id"].parsed(parse_slug), label, source))
    ids = [p.id for p in principles]
    if len(set(ids)) != len(ids):
        raise entries["items"].error("principle ids must be unique")
    return tuple(principles)


def _criterion(node: YamlNode, ctx: Context | None) -> Criterion:
    fields = node.mapping(required={"id", "title", "source"})
    return Criterion(fields["id"].parsed(parse_slug), fields["title"].texts(), fields["source"].refs(ctx))


def _events(node: YamlNode, ctx: Context | None) -> tuple[Event, ...]:
    events = []
    for item in node.sequence():
        fields = item.mapping(required={"id", "type", "title", "source"}, optional={"call", "date", "description"})
        type_ = fields["type"].text()
        known(type_, EVENT_TYPES, "event type", fields["type"])
        call = optional(fields, "call", parse_int)
        if call is not None:
            known(call, ctx.calls if ctx else None, "call number", fields["call"])
        events.append(
            Event(
                id=fields["id"].parsed(parse_slug),
                type=type_,
                title=fields["title"].texts(),
                source=fields["source"].refs(ctx),
                description=fields["description"].texts() if "description" in fields else {},
                date=optional(fields, "date", parse_date),
                call=call,
                origin=Origin(item.file, item.line),
            )
        )
    return unique(events, lambda e: e.id, "event id")


def read_calls(path: Path, ctx: Context | None = None) -> tuple[Call, ...]:
    """calls.yaml: the seven calls; ``themes`` at the top only holds YAML anchors for the theme URIs."""
    root = read_yaml(path).mapping(required={"calls"}, optional={"themes"})
    calls = tuple(_call(node, ctx) for node in root["calls"].sequence())
    unique(calls, lambda c: c.uri, "call uri")
    return unique(calls, lambda c: c.number, "call number")


def _call(node: YamlNode, ctx: Context | None) -> Call:
    fields = node.mapping(
        required={"number", "uri", "submission_period", "project_type", "themes", "max_amount", "source"},
        optional={
            "max_duration",
            "latest_end_date",
            "submitted_applications",
            "unique_applicants",
            "selected_projects",
            "key_figures",
        },
    )
    vocabulary = ctx.vocabulary if ctx else None
    project_type = fields["project_type"].parsed(parse_slug)
    known(project_type, vocabulary.project_types if vocabulary else None, "project type", fields["project_type"])
    themes = tuple(item.parsed(parse_url) for item in fields["themes"].sequence())
    for theme, item in zip(themes, fields["themes"].sequence(), strict=True):
        if vocabulary and vocabulary.theme(theme) != theme:
            raise item.error(f"{theme} is not a theme concept of {CONCEPTS}")
    call = Call(
        number=fields["number"].parsed(parse_int),
        uri=fields["uri"].parsed(parse_url),
        submission_period=fields["submission_period"].parsed(parse_url),
        project_type=project_type,
        themes=themes,
        max_amount=fields["max_amount"].parsed(parse_decimal),
        source=fields["source"].refs(ctx),
        max_duration=optional(fields, "max_duration", parse_duration),
        latest_end_date=optional(fields, "latest_end_date", parse_date),
        submitted_applications=optional(fields, "submitted_applications", parse_int),
        unique_applicants=optional(fields, "unique_applicants", parse_int),
        selected_projects=optional(fields, "selected_projects", parse_int),
        key_figures=_key_figures(fields["key_figures"], ctx) if "key_figures" in fields else None,
        origin=Origin(node.file, node.line),
    )
    figures = call.key_figures
    if (
        figures
        and None not in (figures.subsidised_projects, call.selected_projects)
        and figures.subsidised_projects != call.selected_projects
    ):
        raise (
            fields["key_figures"]
            .mapping()["subsidised_projects"]
            .error(
                f"key_figures.subsidised_projects ({figures.subsidised_projects}) differs from selected_projects "
                f"({call.selected_projects})"
            )
        )
    return call


def _key_figures(node: YamlNode, ctx: Context | None) -> KeyFigures:
    fields = node.mapping(
        required={"source"},
        optional={"subsidised_projects", "unique_initiators", "average_consortium_size", "largest_consortium"},
    )
    return KeyFigures(
        source=fields["source"].refs(ctx),
        subsidised_projects=optional(fields, "subsidised_projects", parse_int),
        unique_initiators=optional(fields, "unique_initiators", parse_int),
        average_consortium_size=optional(fields, "average_consortium_size", parse_decimal),
        largest_consortium=optional(fields, "largest_consortium", parse_int),
    )
