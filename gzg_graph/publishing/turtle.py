"""Turtle that says exactly the triples it is given: every literal keeps its lexical form.

rdflib's Turtle writer prints numbers and booleans in Turtle's short forms by their *value*: the stored
decimal ``"2000000"`` comes out as ``2000000.0`` (a short decimal needs a point), a double ``"1.5E2"`` as
``1.500000e+02`` and a boolean ``"1"`` as ``1``, which reads back as an integer. Each is another triple than
the store holds (RDF literals are equal only with equal lexical forms), so a Turtle document would not
round-trip. Here a short form is written only when the lexical form is one already, else the literal is
written quoted with its datatype. Registered as rdflib's ``gzg-turtle`` serializer.
"""

from __future__ import annotations

import re

from rdflib import Literal, plugin
from rdflib.namespace import XSD
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.serializer import Serializer
from rdflib.term import Node

FORMAT = "gzg-turtle"
#: Turtle's short forms (INTEGER, DECIMAL, DOUBLE, BooleanLiteral in the Turtle grammar) and their datatypes.
SHORT_FORMS = {
    XSD.integer: re.compile(r"[+-]?[0-9]+"),
    XSD.decimal: re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD.double: re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    XSD.boolean: re.compile(r"true|false"),
}


class LexicalTurtleSerializer(TurtleSerializer):
    """rdflib's Turtle writer, with numbers and booleans written as their lexical forms."""

    def label(self, node: Node, position: int) -> str:
        if isinstance(node, Literal) and node.datatype in SHORT_FORMS:
            lexical = str(node)
            if SHORT_FORMS[node.datatype].fullmatch(lexical):
                return lexical
            return node._literal_n3(use_plain=False, qname_callback=lambda dt: self.get_pname(dt, False))
        return super().label(node, position)


plugin.register(FORMAT, Serializer, __name__, LexicalTurtleSerializer.__name__)
