"""Validation reports a data steward can read (nl and en), built from pyshacl's ``sh:ValidationReport``.

``conforms`` means *no sh:Violation*: Warnings and Infos are reported but never block a write.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from ..errors import GzgError
from ..namespaces import SH

SEVERITIES = ("Violation", "Warning", "Info")
_TEXTS = {
    "en": {
        "conforms": "conforms",
        "not": "does not conform",
        "Violation": "violation(s)",
        "Warning": "warning(s)",
        "Info": "info message(s)",
        "focus": "focus node",
        "path": "path",
        "value": "value",
        "shape": "shape",
        "none": "no problems found",
    },
    "nl": {
        "conforms": "conform",
        "not": "niet conform",
        "Violation": "overtreding(en)",
        "Warning": "waarschuwing(en)",
        "Info": "informatieve melding(en)",
        "focus": "focusknoop",
        "path": "pad",
        "value": "waarde",
        "shape": "shape",
        "none": "geen problemen gevonden",
    },
}


@dataclass(frozen=True)
class ValidationResult:
    focus_node: str
    result_path: str | None
    value: str | None
    severity: str  # 'Violation' | 'Warning' | 'Info'
    source_shape: str
    constraint: str  # the constraint component, e.g. 'MinCountConstraintComponent'
    messages: dict[str, str]  # language -> message ('' for untagged)

    def message(self, lang: str = "en") -> str:
        return self.messages.get(lang) or self.messages.get("") or next(iter(self.messages.values()), self.constraint)

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "focusNode": self.focus_node,
            "resultPath": self.result_path,
            "value": self.value,
            "severity": self.severity,
            "sourceShape": self.source_shape,
            "constraint": self.constraint,
        }
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

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "summary": self.summary(lang or "en"),
            "counts": {s: self.count(s) for s in SEVERITIES},
            "results": [r.as_dict(lang) for r in self.results],
        }

    def json_text(self, lang: str | None = None) -> str:
        return json.dumps(self.to_json(lang), ensure_ascii=False, indent=2)


def report_from_graph(report: Graph, shapes: Graph) -> ValidationReport:
    """Our report for pyshacl's report graph: conforms when no result is a Violation."""
    results = _results(report, shapes)
    return ValidationReport(not any(r.severity == "Violation" for r in results), results, report)


def _results(report: Graph, shapes: Graph) -> list[ValidationResult]:
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        messages = {}
        templates = (
            list(shapes.objects(report.value(node, SH.sourceConstraint), SH.message))
            if report.value(node, SH.sourceConstraint) is not None
            else []
        )
        for message in report.objects(node, SH.resultMessage):
            if isinstance(message, Literal):
                messages[message.language or _language_of(str(message), templates)] = str(message)
        severity = report.value(node, SH.resultSeverity)
        results.append(
            ValidationResult(
                focus_node=_show(report.value(node, SH.focusNode)) or "",
                result_path=_show(report.value(node, SH.resultPath)),
                value=_show(report.value(node, SH.value)),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                source_shape=_show(report.value(node, SH.sourceShape)) or "",
                constraint=str(report.value(node, SH.sourceConstraintComponent) or "").rsplit("#", 1)[-1],
                messages=messages,
            )
        )
    return sorted(
        results,
        key=lambda r: (
            SEVERITIES.index(r.severity) if r.severity in SEVERITIES else 9,
            r.source_shape,
            r.focus_node,
            r.result_path or "",
        ),
    )


def _language_of(message: str, templates: list[Node]) -> str:
    """The language of a SPARQL constraint's message, which pyshacl returns untagged after filling in
    its ``{?var}`` / ``{$this}`` placeholders: the tagged template it matches tells."""
    for template in templates:
        if not isinstance(template, Literal) or not template.language:
            continue
        parts = re.split(r"\{[?$][A-Za-z_][A-Za-z0-9_]*\}", str(template))
        if re.fullmatch(".*?".join(re.escape(p) for p in parts), message, flags=re.DOTALL):
            return template.language
    return ""


def _show(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, BNode):
        return "_:" + str(node)
    if isinstance(node, URIRef):
        return str(node)
    return str(node)


class ValidationFailed(GzgError):
    """Data violates the SHACL shapes; ``report`` holds the details. Nothing was written."""

    def __init__(self, report: ValidationReport, message: str = "the data does not conform to the shapes"):
        self.report = report
        super().__init__(message)
