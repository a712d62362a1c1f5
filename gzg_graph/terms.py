"""RDF terms across the two libraries (pyoxigraph stores and parses, rdflib feeds pyshacl) and into SPARQL.

One place for: converting terms both ways, checking that a string is an IRI we can put in a query, and
writing a term as SPARQL text for the rare store that cannot bind values itself.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

#: An absolute IRI as SPARQL and N-Triples accept it: a scheme, then no spaces, quotes, angle brackets,
#: braces, pipes, carets, backslashes or backticks (RFC 3987 with the characters IRIREF excludes).
ABSOLUTE_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`\x00-\x20]*$")
#: An http(s) IRI, what the data files use for sources, themes and LBLOD URIs.
HTTP_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`\x00-\x20]+$")

_XSD_STRING = str(XSD.string)
_STRING_ESCAPES = str.maketrans(
    {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
)


def is_iri(value: str) -> bool:
    """Whether ``value`` is an absolute IRI that is safe to use as a term: our pattern, and RFC 3987 as the
    store's engine checks it (which refuses, for example, the C1 control characters the pattern lets by)."""
    if not ABSOLUTE_IRI.match(value):
        return False
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def is_http_iri(value: str) -> bool:
    return bool(HTTP_IRI.match(value))


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """A pyoxigraph term as an rdflib term, spelt as pyoxigraph spells it (plain strings untyped).

    Literals keep their lexical form: rdflib would respell some (a dateTime's ``Z`` as ``+00:00``), which is
    another RDF term, so a document would no longer say what the store holds."""
    if isinstance(term, ox.Triple):
        raise TypeError("RDF-star triple terms are not part of this graph's data")
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype), normalize=False)


def to_oxigraph(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype is not None:
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))
    raise TypeError(f"not an RDF term: {node!r}")


def to_oxigraph_resource(node: Node) -> ox.NamedNode | ox.BlankNode:
    """An IRI or blank node (a subject, or the object of a pattern over links) as a pyoxigraph term."""
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    raise TypeError(f"not an IRI or blank node: {node!r}")


def sparql_term(node: Node) -> str:
    """``node`` written as SPARQL text, escaped so that no value can change the query around it.

    Only for stores that cannot bind values (see :meth:`Store.query`'s ``bindings``): IRIs are checked
    against :data:`ABSOLUTE_IRI`, literals are written with every quote, backslash and line break escaped.
    """
    if isinstance(node, URIRef):
        if not is_iri(str(node)):
            raise ValueError(f"not an absolute IRI: {str(node)!r}")
        return f"<{node}>"
    if isinstance(node, Literal):
        text = '"' + str(node).translate(_STRING_ESCAPES) + '"'
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None:
            return f"{text}^^{sparql_term(URIRef(node.datatype))}"
        return text
    raise ValueError(f"cannot bind {node!r} in a query: only IRIs and literals can be bound")
