"""Writing a steward's project: checked, mapped as the build maps CSV, validated, then committed whole.

:func:`prepare` turns one project of a document into the change it makes to the steward graph (the
project's triples there before and after), refusing (SourceError, a 400 for the API) what a project write
may not do: describe another resource, or say what the CSV files cannot hold. :func:`commit` applies the
changes of one or more projects in one validated update (ValidationFailed, a 422, changes nothing), with
their provenance. Projects built from ``data/`` are not written here (:class:`ProjectInOwnData`, a 409).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, XSD
from rdflib.term import Node

from ..errors import GzgError, SourceError
from ..formats import RdfFormat
from ..mapping.own_data import project_graph
from ..namespaces import M8G
from ..sources import Participation, Project
from ..store.base import Store
from ..terms import to_rdflib
from ..uris import GRAPH_STEWARDS, UriPolicy
from ..validation import ValidationReport, validate_change
from ..writes import update_validated
from .records import parts, project_records
from .references import References
from .stewards import Steward

#: How many triples a refusal lists.
SHOWN = 5
#: What the server records of each write; in a document it is ignored (a description read from /doc/...).
PROVENANCE = frozenset({DCTERMS.modified, PROV.generatedAtTime, PROV.wasAttributedTo})


class ProjectInOwnData(GzgError):
    """The project comes from ``data/projects.csv``: change it there, not through the API."""


@dataclass(frozen=True)
class Prepared:
    """One project's change to the steward graph: its triples there now (``old``) and after (``new``)."""

    project: URIRef
    old: Graph
    new: Graph

    @property
    def created(self) -> bool:
        return not len(self.old)


def steward_graph(store: Store, uris: UriPolicy) -> Graph:
    """The steward graph as it is now (small: the projects written since they were last folded into data/)."""
    name = str(uris.graph(GRAPH_STEWARDS))
    graph = Graph()
    if store.has_graph(name):
        graph.parse(data=store.export(RdfFormat.NTRIPLES, name).decode("utf-8"), format="nt")
    return graph


def project_triples(graph: Graph, project: URIRef, uris: UriPolicy) -> Graph:
    """A project's triples in ``graph``: its own, its parts' and the links from its participants."""
    found = parts(graph, project, uris)
    triples = Graph()
    for node in found.nodes():
        for triple in graph.triples((node, None, None)):
            triples.add(triple)
    for participation in found.participations:
        for triple in graph.triples((None, M8G.playsRole, participation)):
            triples.add(triple)
    return triples


def prepare(
    store: Store, uris: UriPolicy, refs: References, document: Graph, project: URIRef, current: Graph
) -> Prepared:
    """The change ``document`` makes to ``project`` in the steward graph (``current``)."""
    old = project_triples(current, project, uris)
    _own_project(store, uris, refs, project, old)
    own = _scoped(store, document, project, uris, old)
    record, rows = project_records(own, project, uris, refs)
    mapped = _mapped(record, rows, uris, refs)
    _expressible(own, mapped, project, uris)
    return Prepared(project, old, mapped)


def prepare_rows(
    store: Store,
    uris: UriPolicy,
    refs: References,
    record: Project,
    rows: Sequence[Participation],
    current: Graph,
) -> Prepared:
    """The change a row of projects.csv (with its rows of participations.csv) makes to the steward graph."""
    project = uris.id("project", record.id)
    old = project_triples(current, project, uris)
    _own_project(store, uris, refs, project, old)
    return Prepared(project, old, _mapped(record, rows, uris, refs))


def _own_project(store: Store, uris: UriPolicy, refs: References, project: URIRef, old: Graph) -> None:
    """409 for a project of data/: one that projects.csv has, or that the store holds outside the steward graph."""
    elsewhere = not len(old) and bool(store.triples_from([project]))
    if elsewhere or str(project).rsplit("/", 1)[-1] in refs.own_projects:
        raise ProjectInOwnData(
            f"<{project}> comes from data/projects.csv: change it there (and in data/participations.csv) "
            "and run `gzg build`; the API writes only the stewards' own projects"
        )


def _scoped(store: Store, document: Graph, project: URIRef, uris: UriPolicy, old: Graph) -> Graph:
    """The document's triples about the project and its parts. A triple about anything else is refused
    (SourceError naming its subject), unless the store holds it already (a document read from /doc/...
    repeats the names of the call and the participants): those are left out, as they change nothing, as are
    the page's own description and the project's provenance, which the server writes."""
    if (project, None, None) not in document:
        raise SourceError(str(project), f"the document says nothing about <{project}>")
    found = parts(document, project, uris)
    members = set(found.participations)
    own, known, page = Graph(), None, URIRef(uris.doc_for(str(project)) or project)
    for s, p, o in document:
        if s == page or (s == project and p in PROVENANCE):
            continue  # what the server says of its page and of who wrote the project: not the steward's to set
        if s in found.nodes() or (p == M8G.playsRole and o in members):
            own.add((s, p, o))
            continue
        known = known if known is not None else set(store.triples_from({t[0] for t in document}))
        if (s, p, o) not in known:
            raise SourceError(
                str(s),
                f"<{s}> is not part of project <{project}>: a project's document describes the project, its "
                "amounts, its application and its participations; change other resources where they come from",
            )
    for node in found.nodes() - {project}:
        if isinstance(node, URIRef) and set(store.triples_from([node])) - set(old):
            raise SourceError(str(node), f"<{node}> is an existing resource, not a part of <{project}>")
    return own


def _mapped(record: Project, rows: Sequence[Participation], uris: UriPolicy, refs: References) -> Graph:
    try:
        return project_graph(record, rows, uris, refs.sources, refs.organisations)
    except SourceError as e:
        if e.line is not None:  # a row of an uploaded CSV file: its file and line say where
            raise
        raise SourceError(str(uris.id("project", record.id)), e.detail) from None


def _expressible(document: Graph, mapped: Graph, project: URIRef, uris: UriPolicy) -> None:
    """Every triple of the document must be one the mapping makes (its parts renamed as the mapping names
    them): else the CSV files could not hold it and it would be lost on the way back to data/."""
    names = _names(document, mapped, project, uris)
    lost = sorted(
        f"{names.get(s, s).n3()} {p.n3()} {names.get(o, o).n3()}"
        for s, p, o in document
        if (names.get(s, s), p, names.get(o, o)) not in mapped
    )
    if lost:
        shown = "; ".join(lost[:SHOWN]) + (f"; and {len(lost) - SHOWN} more" if len(lost) > SHOWN else "")
        raise SourceError(
            str(project),
            f"{len(lost)} statement(s) cannot be stored, as data/projects.csv and data/participations.csv "
            f"cannot hold them (docs/model.md, 'Project'): {shown}",
        )


def _names(document: Graph, mapped: Graph, project: URIRef, uris: UriPolicy) -> dict[Node, Node]:
    """The document's part nodes -> the mapping's, matched by their place (predicate, participant)."""
    ours, theirs = parts(document, project, uris), parts(mapped, project, uris)
    names: dict[Node, Node] = {}
    for predicate, node in ours.amounts.items():
        if predicate in theirs.amounts:
            names[node] = theirs.amounts[predicate]
    for mine, its in ((ours.application, theirs.application), (ours.requested, theirs.requested)):
        if mine is not None and its is not None:
            names[mine] = its
    for node in ours.participations:
        for organisation in document.subjects(M8G.playsRole, node):
            for candidate in mapped.objects(organisation, M8G.playsRole):
                if candidate in theirs.participations:
                    names[node] = candidate
    return names


def provenance(project: URIRef, steward: Steward, uris: UriPolicy, now: datetime) -> Graph:
    """When the project was written and by whom (PROV-O), and the steward as an agent."""
    graph = steward.describe(uris)
    stamp = Literal(now.isoformat(), datatype=XSD.dateTime)
    graph.add((project, DCTERMS.modified, stamp))
    graph.add((project, PROV.generatedAtTime, stamp))
    graph.add((project, PROV.wasAttributedTo, steward.uri(uris)))
    return graph


def changes(prepared: Sequence[Prepared], steward: Steward, uris: UriPolicy, now: datetime) -> tuple[Graph, Graph]:
    """(added, removed) of the steward graph for these projects, provenance included."""
    old, new = Graph(), Graph()
    for item in prepared:
        old += item.old
        new += item.new + provenance(item.project, steward, uris, now)
    old, new = stored_form(old), stored_form(new)
    return new - old, old - new


def stored_form(graph: Graph) -> Graph:
    """The triples as the store writes them back: its literals in canonical form (``1000`` where rdflib
    writes ``1000.0``), so comparing what is stored with what is mapped compares values, not spellings."""
    store = ox.Store()
    if len(graph):
        store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    canonical = Graph()
    for quad in store:
        canonical.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return canonical


def check(
    store: Store, shapes: Graph, prepared: Sequence[Prepared], steward: Steward, uris: UriPolicy
) -> ValidationReport:
    """Validate the changes against the store as it is, without writing (the steward page's check)."""
    added, removed = changes(prepared, steward, uris, datetime.now(UTC).replace(microsecond=0))
    return validate_change(added, removed, store, shapes)


def commit(store: Store, shapes: Graph, uris: UriPolicy, prepared: Sequence[Prepared], steward: Steward) -> Graph:
    """Apply the projects' changes in one validated update; the triples added. The caller holds the store's
    lock from reading the steward graph (``prepare``) to here, so no write comes in between."""
    added, removed = changes(prepared, steward, uris, datetime.now(UTC).replace(microsecond=0))
    update_validated(store, _update(str(uris.graph(GRAPH_STEWARDS)), added, removed), shapes)
    return added


def write(
    store: Store,
    shapes: Graph,
    uris: UriPolicy,
    steward: Steward,
    make: Callable[[Graph], list[Prepared]],
) -> tuple[list[Prepared], Graph]:
    """Prepare (``make``, given the steward graph as it is) and commit under the store's lock, so nothing
    written in between is lost; the prepared projects and the triples added."""
    with store.locked():
        prepared = make(steward_graph(store, uris))
        return prepared, commit(store, shapes, uris, prepared, steward)


def delete_project(store: Store, shapes: Graph, uris: UriPolicy, refs: References, project: URIRef) -> bool:
    """Remove a steward's project (False: there is none of that name); 409 for a project of data/."""
    with store.locked():
        old = project_triples(steward_graph(store, uris), project, uris)
        _own_project(store, uris, refs, project, old)
        if not len(old):
            return False
        update_validated(store, _update(str(uris.graph(GRAPH_STEWARDS)), Graph(), old), shapes)
    return True


def _update(graph: str, added: Graph, removed: Graph) -> str:
    """The SPARQL update that makes the change (N-Triples is valid inside DATA blocks)."""
    operations = [f"CREATE SILENT GRAPH <{graph}>"]
    if len(removed):
        operations.append(f"DELETE DATA {{ GRAPH <{graph}> {{\n{_nt(removed)}\n}} }}")
    if len(added):
        operations.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{_nt(added)}\n}} }}")
    return " ;\n".join(operations)


def _nt(graph: Graph) -> str:
    return graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
