"""SHACL validation with pyshacl, and reports a data steward can read (nl and en).

``conforms`` means *no sh:Violation*: Warnings and Infos are reported but never block a write.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from .errors import SourceError
from .focused_validation import focused_validator
from .namespaces import SH, bind_prefixes
from .store.base import Triple
from .turtle import parse_turtle
from .uris import UriPolicy

SEVERITIES = ("Violation", "Warning", "Info")


def _reuse_prepared_sparql() -> None:
    """Make rdflib reuse the parsed form of a query text it has seen before.

    pyshacl hands rdflib the same SPARQL constraint text for every focus node (``$this`` goes in as a
    binding), and rdflib parses it anew each time: measured, parsing took half of a validation of the
    real graph plus 100 projects. The translated query is what rdflib's own ``prepareQuery`` returns for
    reuse with other bindings, so caching it by (text, base, namespaces) changes no result.
    """
    from rdflib.plugins.sparql import processor

    if getattr(processor.SPARQLProcessor.query, "_gzg_cached", False):
        return
    original = processor.SPARQLProcessor.query
    cache: dict = {}

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803 - rdflib's names
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
            prepared = cache.get(key)
            if prepared is None:
                if len(cache) > 2048:
                    cache.clear()
                prepared = cache[key] = processor.translateQuery(processor.parseQuery(strOrQuery), base, initNs)
            strOrQuery = prepared
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    query._gzg_cached = True
    processor.SPARQLProcessor.query = query


_reuse_prepared_sparql()
_TEXTS = {
    "en": {"conforms": "conforms", "not": "does not conform", "Violation": "violation(s)",
           "Warning": "warning(s)", "Info": "info message(s)", "focus": "focus node", "path": "path",
           "value": "value", "shape": "shape", "none": "no problems found"},
    "nl": {"conforms": "conform", "not": "niet conform", "Violation": "overtreding(en)",
           "Warning": "waarschuwing(en)", "Info": "informatieve melding(en)", "focus": "focusknoop",
           "path": "pad", "value": "waarde", "shape": "shape", "none": "geen problemen gevonden"},
}


@dataclass(frozen=True)
class ValidationResult:
    focus_node: str
    result_path: str | None
    value: str | None
    severity: str                   # 'Violation' | 'Warning' | 'Info'
    source_shape: str
    constraint: str                 # the constraint component, e.g. 'MinCountConstraintComponent'
    messages: dict[str, str]        # language -> message ('' for untagged)

    def message(self, lang: str = "en") -> str:
        return self.messages.get(lang) or self.messages.get("") or next(iter(self.messages.values()), self.constraint)

    def as_dict(self, lang: str | None = None) -> dict:
        data = {"focusNode": self.focus_node, "resultPath": self.result_path, "value": self.value,
                "severity": self.severity, "sourceShape": self.source_shape, "constraint": self.constraint}
        data["message" if lang else "messages"] = self.message(lang) if lang else self.messages
        return data


@dataclass
class ValidationReport:
    conforms: bool
    results: list[ValidationResult]
    graph: Graph = field(repr=False)

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def summary(self, lang: str = "en") -> str:
        texts = _TEXTS.get(lang, _TEXTS["en"])
        verdict = texts["conforms"] if self.conforms else texts["not"]
        counts = ", ".join(f"{self.count(s)} {texts[s]}" for s in SEVERITIES)
        return f"{verdict}: {counts}"

    def text(self, lang: str = "en") -> str:
        """The report grouped by shape, then focus node; most severe first."""
        texts = _TEXTS.get(lang, _TEXTS["en"])
        if not self.results:
            return f"{self.summary(lang)} — {texts['none']}"
        lines = [self.summary(lang)]
        by_shape: dict[str, list[ValidationResult]] = defaultdict(list)
        for result in self.results:
            by_shape[result.source_shape].append(result)
        order = {s: i for i, s in enumerate(SEVERITIES)}
        for shape, results in sorted(by_shape.items(), key=lambda kv: (min(order[r.severity] for r in kv[1]), kv[0])):
            lines.append(f"\n{texts['shape']} {shape}")
            by_focus: dict[str, list[ValidationResult]] = defaultdict(list)
            for result in results:
                by_focus[result.focus_node].append(result)
            for focus, items in sorted(by_focus.items()):
                lines.append(f"  {texts['focus']} {focus}")
                for r in sorted(items, key=lambda r: (order[r.severity], r.result_path or "")):
                    where = f" [{texts['path']} {r.result_path}]" if r.result_path else ""
                    value = f" ({texts['value']}: {r.value})" if r.value is not None else ""
                    lines.append(f"    {r.severity}{where}: {r.message(lang)}{value}")
        return "\n".join(lines)

    def to_json(self, lang: str | None = None) -> dict:
        return {"conforms": self.conforms, "summary": self.summary(lang or "en"),
                "counts": {s: self.count(s) for s in SEVERITIES},
                "results": [r.as_dict(lang) for r in self.results]}

    def json_text(self, lang: str | None = None) -> str:
        return json.dumps(self.to_json(lang), ensure_ascii=False, indent=2)


def load_shapes(shapes_dir: Path, uris: UriPolicy) -> Graph:
    """Every ``shapes/*.ttl``, relative IRIs resolved against the configured base."""
    shapes = bind_prefixes(Graph(), str(uris.ns))
    files = sorted(Path(shapes_dir).glob("*.ttl"))
    if not files:
        raise SourceError(shapes_dir, "no SHACL shapes (*.ttl) found")
    for path in files:
        shapes += parse_turtle(path, uris)
    return shapes


def validate(data: Graph | Dataset, shapes: Graph, *, ontology: Graph | None = None,
             inference: str = "none") -> ValidationReport:
    """Validate ``data`` against ``shapes``; ``inference='rdfs'`` first applies RDFS over data + ontology."""
    if isinstance(data, Dataset):
        union = Graph()
        for graph in data.graphs():
            union += graph
        data = union
    _, report_graph, _ = pyshacl_validate(
        data, shacl_graph=shapes, ont_graph=ontology if inference != "none" else None,
        inference=inference, advanced=True, allow_warnings=True, allow_infos=True, meta_shacl=False,
    )
    results = _results(report_graph, shapes)
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms, results, report_graph)


def _results(report: Graph, shapes: Graph) -> list[ValidationResult]:
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        messages = {}
        templates = list(shapes.objects(report.value(node, SH.sourceConstraint), SH.message)) \
            if report.value(node, SH.sourceConstraint) is not None else []
        for message in report.objects(node, SH.resultMessage):
            if isinstance(message, Literal):
                messages[message.language or _language_of(str(message), templates)] = str(message)
        severity = report.value(node, SH.resultSeverity)
        results.append(ValidationResult(
            focus_node=_show(report.value(node, SH.focusNode)),
            result_path=_show(report.value(node, SH.resultPath)),
            value=_show(report.value(node, SH.value)),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            source_shape=_show(report.value(node, SH.sourceShape)) or "",
            constraint=str(report.value(node, SH.sourceConstraintComponent) or "").rsplit("#", 1)[-1],
            messages=messages,
        ))
    return sorted(results, key=lambda r: (SEVERITIES.index(r.severity) if r.severity in SEVERITIES else 9,
                                          r.source_shape, r.focus_node, r.result_path or ""))


def _language_of(message: str, templates: list) -> str:
    """The language of a SPARQL constraint's message, which pyshacl returns untagged after filling in
    its ``{?var}`` / ``{$this}`` placeholders: the tagged template it matches tells."""
    for template in templates:
        if not isinstance(template, Literal) or not template.language:
            continue
        parts = re.split(r"\{[?$][A-Za-z_][A-Za-z0-9_]*\}", str(template))
        if re.fullmatch(".*?".join(re.escape(p) for p in parts), message, flags=re.DOTALL):
            return template.language
    return ""


def _show(node) -> str | None:
    if node is None:
        return None
    if isinstance(node, BNode):
        return "_:" + str(node)
    if isinstance(node, URIRef):
        return str(node)
    return str(node)


# ------------------------------------------------------------------------------------------------
# Incremental validation: only the nodes a change touches, against the state the change produces.
# ------------------------------------------------------------------------------------------------

#: How far (in outgoing links) a shape of ours looks from its focus node: a project's SPARQL constraints
#: reach project -> call -> amount -> value, and project -> participation -> organisation -> type.
REACH = 4
#: Links that fan out from hubs: an organisation plays roles in hundreds of projects, a province has
#: hundreds of sub-organisations, a code list hundreds of concepts. They are followed out of focus nodes
#: only (a shape may look one step along them from its own focus, never further: tests/test_incremental.py
#: checks that). A change to one re-validates its subject only if some shape reads the link forward
#: (``forward_predicates``): adding a project's participation must not re-validate the municipality that
#: plays it, with its hundreds of other roles, when no shape of a municipality looks at its roles.
HUB_PREDICATES = frozenset({URIRef("http://data.europa.eu/m8g/playsRole"),
                            URIRef("http://www.w3.org/ns/org#hasSubOrganization"),
                            URIRef("http://www.w3.org/2004/02/skos/core#hasTopConcept")})
#: Backward links that SPARQL constraints follow without an ``sh:inversePath`` declaring them.
SPARQL_INVERSE = frozenset({URIRef("http://www.w3.org/2004/02/skos/core#hasTopConcept")})
#: How many incoming links a change can travel back to a node whose shape looks at it (an amount's value
#: matters to its project; a participation's role to its project).
REACH_BACK = 2


class StateReader:
    """Reads neighbourhoods from the current state: an rdflib Graph, or a :class:`~gzg_graph.store.Store`
    (which reads them natively where it can, see ``Store.triples_from``)."""

    def __init__(self, state):
        self.state = state

    def outgoing(self, nodes: set[Node], skip: frozenset[URIRef] = frozenset()) -> set[Triple]:
        """Triples from ``nodes``, except over the predicates in ``skip``."""
        if not isinstance(self.state, Graph):
            return self.state.triples_from(nodes, skip=skip)
        return {t for node in nodes for t in self.state.triples((node, None, None)) if t[1] not in skip}

    def incoming(self, nodes: set[Node], predicates: set[URIRef] | None = None) -> set[Triple]:
        """Triples from an IRI to ``nodes`` (only through ``predicates`` when given)."""
        if not isinstance(self.state, Graph):
            return self.state.triples_to(nodes, predicates)
        return {(s, p, node) for node in nodes for s, p, _ in self.state.triples((None, None, node))
                if isinstance(s, URIRef) and (predicates is None or p in predicates)}


def inverse_predicates(shapes: Graph) -> set[URIRef]:
    """Predicates the shapes follow backwards (``sh:inversePath``): a neighbourhood must include them.

    Our SPARQL constraints walk backwards only over these same predicates (m8g:playsRole,
    m8g:hasParticipation, lblodSubsidie:heeftReeks); a new constraint that walks back over another
    predicate must declare it with an ``sh:inversePath`` too, or incremental validation will miss it.
    """
    declared = set(shapes.objects(None, SH.inversePath)) | set(shapes.objects(None, SH.targetObjectsOf))
    return {p for p in declared if isinstance(p, URIRef)} | SPARQL_INVERSE


def forward_predicates(shapes: Graph) -> set[URIRef]:
    """Predicates some shape reads forward from its focus node: in a property path (not under
    ``sh:inversePath``), as ``sh:targetSubjectsOf``, or right after ``$this`` in a SPARQL constraint."""
    found = {p for p in shapes.objects(None, SH.targetSubjectsOf) if isinstance(p, URIRef)}
    found |= {p for path in shapes.objects(None, SH.path)
              for p, _, backwards in _path_predicates(shapes, path) if not backwards}
    queries = " ".join(str(q) for q in shapes.objects(None, SH.select))
    for predicate in HUB_PREDICATES:
        local = re.split(r"[/#]", str(predicate))[-1]
        if re.search(rf"\$this\s+(<{re.escape(str(predicate))}>|[A-Za-z_][\w-]*:{re.escape(local)}\b)", queries):
            found.add(predicate)
    return found


def _path_predicates(shapes: Graph, path, deep: bool = False, backwards: bool = False):
    """(predicate, deep, backwards) for each predicate a SHACL property path reads: ``deep`` when it is read
    beyond the path's first node, ``backwards`` under ``sh:inversePath``."""
    if isinstance(path, URIRef):
        yield path, deep, backwards
    elif shapes.value(path, RDF.first) is not None:  # a sequence: every step after the first is deep
        for index, step in enumerate(shapes.items(path)):
            yield from _path_predicates(shapes, step, deep or index > 0, backwards)
    else:
        for alternatives in shapes.objects(path, SH.alternativePath):
            for step in shapes.items(alternatives):
                yield from _path_predicates(shapes, step, deep, backwards)
        for inner in shapes.objects(path, SH.inversePath):
            yield from _path_predicates(shapes, inner, deep, not backwards)
        for kind in (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
            for inner in shapes.objects(path, kind):
                yield from _path_predicates(shapes, inner, True, backwards)


#: Parameters whose shapes are applied to value nodes rather than to the focus node itself.
_NESTING = (SH.node, SH.qualifiedValueShape, SH["not"], SH["and"], SH["or"], SH.xone)


def deep_predicates(shapes: Graph) -> set[URIRef]:
    """Predicates some shape reads on a node other than its focus node: later steps of property paths,
    the paths of nested shapes (``sh:node``, ``sh:qualifiedValueShape``, ``sh:not``, ...), ``rdf:type``
    and ``rdfs:subClassOf`` for ``sh:class``, and every predicate a SPARQL query names. A change to a node
    over any other predicate cannot change what the nodes referring to it see, so they need no re-check:
    correcting a municipality's alternative name must not re-validate its hundreds of projects."""
    found: set[URIRef] = {RDF.type, URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf")}
    nested, todo = set(), [o for p in _NESTING for o in shapes.objects(None, p)]
    while todo:
        node = todo.pop()
        members = list(shapes.items(node)) if shapes.value(node, RDF.first) is not None else [node]
        for shape in members:
            if shape not in nested:
                nested.add(shape)
                todo.extend(shapes.objects(shape, SH.property))
                todo.extend(o for p in _NESTING for o in shapes.objects(shape, p))
    found |= {p for shape, path in shapes.subject_objects(SH.path)
              for p, deep, _ in _path_predicates(shapes, path, shape in nested) if deep}
    found |= _sparql_predicates(shapes)
    return found


def _sparql_predicates(shapes: Graph) -> set[URIRef]:
    """Every IRI a SPARQL query in the shapes names: in full, with a declared prefix, or as the relative
    ``"ns/gzg#..."`` our queries build with ``IRI(CONCAT(...))`` to stay independent of the base URI.
    Over-counting is safe: it only re-checks more."""
    prefixes = {str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace))
                for d in shapes.objects(None, SH.declare)}
    own = _own_namespace(shapes)
    found = set()
    for query in shapes.objects(None, SH.select):
        text = str(query)
        found |= {URIRef(iri) for iri in re.findall(r"<([a-z][a-z0-9+.-]*:[^<>\s]*)>", text)}
        for prefix, local in re.findall(r"(?<![\w$?<#:/])([A-Za-z][\w-]*|):([A-Za-z_][\w-]*)", text):
            if prefix in prefixes:
                found.add(URIRef(prefixes[prefix] + local))
        if own:
            found |= {URIRef(own + local) for local in re.findall(r'"ns/gzg#([A-Za-z_][\w-]*)"', text)}
    return found


def _own_namespace(shapes: Graph) -> str | None:
    """Our vocabulary's namespace (``{base}/ns/gzg#``), read off the shapes' own IRIs (``{base}/shapes/gzg#``)."""
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        if isinstance(shape, URIRef) and "/shapes/gzg#" in shape:
            return str(shape).split("/shapes/gzg#")[0] + "/ns/gzg#"
    return None


def validate_change(added: Graph, removed: Graph | None, state, shapes: Graph) -> ValidationReport:
    """Validate the state ``state + added - removed`` only where the change can make a difference.

    Focus nodes: the subjects the change touches, the nodes whose shapes read a changed link backwards
    (``sh:inversePath``, ``sh:targetObjectsOf``) and, when the change is over a predicate that shapes read
    beyond their focus node (``deep_predicates``), the nodes that look back at a changed node that way plus
    its referrers up to ``REACH_BACK`` links back. Each is validated with its neighbourhood: ``REACH`` links
    out, plus the backward links the shapes follow. For shapes that look no further than that, the verdict
    equals that of a full validation of a state that conformed before the change (tests/test_incremental.py
    checks it on generated changes).
    """
    removed = removed if removed is not None else Graph()
    reader = StateReader(state)
    inverse = inverse_predicates(shapes)
    unread = HUB_PREDICATES - forward_predicates(shapes)  # hub links no shape reads from their subject
    deep = deep_predicates(shapes)
    changes = [*added, *removed]
    # a node's own triples changed, or a link its shapes read backwards (sh:inversePath, targetObjectsOf)
    start = {s for s, p, _ in changes if isinstance(s, URIRef) and p not in unread}
    start |= {o for _, p, o in changes if p in inverse and isinstance(o, URIRef)}
    focus = set(start)
    # changed nodes that others can see the change of: over a predicate shapes read beyond their focus node
    visible = {s for s, p, _ in changes if isinstance(s, URIRef) and p in deep and p not in unread}
    visible |= {o for _, p, o in changes if p in inverse and p in deep and isinstance(o, URIRef)}
    # ... the nodes whose shapes look back at them (e.g. a participation checks its organisation's class)
    focus |= {o for _, p, o in reader.outgoing(visible) if p in inverse and isinstance(o, URIRef)}
    # ... and the nodes that look at them through their own links, now or after the change
    frontier = set(visible)
    for _ in range(REACH_BACK):
        referrers = {s for s, p, _ in reader.incoming(frontier) if p not in unread}
        referrers |= {s for s, p, o in added if o in frontier and p not in unread and isinstance(s, URIRef)}
        frontier = referrers - focus
        focus |= frontier
    if not focus:
        return ValidationReport(True, [], Graph())
    data = _neighbourhood(focus, reader, added, removed, inverse, unread)
    # Only the focus nodes are validated: the other nodes of the neighbourhood sit at its edge, where their
    # own neighbourhood is cut off (and they did not change).
    report_graph = focused_validator(shapes).validate(data, focus)
    results = _results(report_graph, shapes)
    return ValidationReport(not any(r.severity == "Violation" for r in results), results, report_graph)


def _neighbourhood(focus: set[Node], reader: StateReader, added: Graph, removed: Graph,
                   inverse: set[URIRef], unread: frozenset[URIRef]) -> Graph:
    """The triples within reach of the focus nodes, as they will be after the change."""
    gone = {_identity(t) for t in removed}
    triples: dict[tuple, Triple] = {}
    seen: set[Node] = set()
    frontier = set(focus)
    for _ in range(REACH + 1):
        frontier -= seen
        if not frontier:
            break
        seen |= frontier
        found = reader.outgoing(frontier & focus, skip=unread)
        found |= reader.outgoing(frontier - focus, skip=HUB_PREDICATES)
        if inverse:
            found |= reader.incoming(frontier, inverse)
        for node in frontier:
            found.update(added.triples((node, None, None)))
            for p in inverse:
                found.update(added.triples((None, p, node)))
        frontier = set()
        for triple in found:
            key = _identity(triple)
            if key not in gone and key not in triples:
                triples[key] = triple
                frontier.update(n for n in (triple[0], triple[2]) if not isinstance(n, Literal))
    data = Graph()
    data.addN((s, p, o, data) for s, p, o in triples.values())
    return data


def _identity(triple: Triple) -> tuple:
    """A triple as the store keeps it: literals by value, since the store writes them in canonical form
    (pyoxigraph keeps ``"35000000.0"^^xsd:decimal`` as ``"35000000"``). Without this, a change that removes
    or re-adds a literal would miss the store's copy of it, or see it twice."""
    s, p, o = triple
    if isinstance(o, Literal) and o.value is not None:
        return s, p, (o.datatype, o.language, o.value)
    return triple
