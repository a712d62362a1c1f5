"""A readable HTML view of a resource description, for people who follow a URI in a browser."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS
from rdflib.term import Node

from gzg_graph.formats import RdfFormat
from gzg_graph.uris import UriPolicy

_LABELS = (SKOS.prefLabel, DCTERMS.title, RDFS.label)


def render_description(graph: Graph, uri: str, uris: UriPolicy) -> str:
    subject = URIRef(uri)
    title = _label(graph, subject) or uri
    rows = []
    for predicate, obj in sorted(graph.predicate_objects(subject), key=lambda po: (str(po[0]), str(po[1]))):
        rows.append(f"<tr><td>{_link(graph, predicate, uris)}</td><td>{_term(graph, obj, uris)}</td></tr>")
    incoming = sorted({(s, p) for s, p in graph.subject_predicates(subject) if s != subject}, key=str)
    incoming_rows = [f"<tr><td>{_link(graph, s, uris)}</td><td>{_link(graph, p, uris)}</td></tr>" for s, p in incoming]
    alternates = "".join(
        f' <a href="?format={f.short_name}">{f.label}</a>'
        for f in (RdfFormat.TURTLE, RdfFormat.JSONLD, RdfFormat.NTRIPLES, RdfFormat.RDFXML)
    )
    return f"""<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>{escape(str(title))}</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em}}
td{{vertical-align:top;padding:.2em .6em;border-bottom:1px solid #ddd}} code{{font-size:90%}}</style></head>
<body><h1>{escape(str(title))}</h1><p><code>{escape(uri)}</code></p>
<p>Other formats:{alternates}</p>
<table><thead><tr><th>property</th><th>value</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
{"<h2>Referenced by</h2><table><tbody>" + "".join(incoming_rows) + "</tbody></table>" if incoming_rows else ""}
<p><a href="/">gzg-graph</a> · <a href="/sparql">SPARQL</a> · <a href="/docs">API</a></p></body></html>"""


def _label(graph: Graph, node: Node) -> str | None:
    for prop in _LABELS:
        labels = list(graph.objects(node, prop))
        if labels:
            preferred = [label for label in labels if getattr(label, "language", None) in ("nl", None)]
            return str((preferred or labels)[0])
    return None


def _href(node: URIRef, uris: UriPolicy) -> str:
    doc = uris.doc_for(str(node))
    return doc[len(uris.base) :] if doc else f"/resource?uri={quote(str(node), safe='')}"


def _link(graph: Graph, node: Node, uris: UriPolicy) -> str:
    if not isinstance(node, URIRef):
        return escape(str(node))
    qname = _qname(graph, node)
    label = _label(graph, node)
    text = escape(label) + f" <small>({escape(qname)})</small>" if label else escape(qname)
    return f'<a href="{escape(_href(node, uris))}">{text}</a>'


def _term(graph: Graph, node: Node, uris: UriPolicy) -> str:
    if isinstance(node, Literal):
        suffix = f" <small>@{node.language}</small>" if node.language else ""
        return escape(str(node)) + suffix
    return _link(graph, node, uris)


def _qname(graph: Graph, node: URIRef) -> str:
    try:
        return graph.namespace_manager.normalizeUri(node)
    except Exception:  # rdflib raises for IRIs it cannot split
        return str(node)
