"""YAML files read as composed nodes, so every value keeps its line for error messages."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import SourceError
from .values import check_refs, parse_refs

if TYPE_CHECKING:
    from .records import Context


class YamlNode:
    """A composed YAML node with typed accessors whose errors carry the node's own line.

    We compose (not load) so every value keeps its position, and we parse scalars ourselves so that
    '2021-13-01' is reported as a bad date at its line instead of failing inside the YAML library.
    """

    def __init__(self, node: yaml.Node, file: Path):
        self.node, self.file = node, file

    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1

    def error(self, message: str) -> SourceError:
        return SourceError(self.file, message, line=self.line)

    @property
    def is_null(self) -> bool:
        return isinstance(self.node, yaml.ScalarNode) and self.node.tag.endswith(":null")

    def mapping(
        self, required: AbstractSet[str] = frozenset(), optional: AbstractSet[str] = frozenset()
    ) -> dict[str, YamlNode]:
        """The entries of a mapping; unknown keys (typos) and missing required keys are errors."""
        if not isinstance(self.node, yaml.MappingNode):
            raise self.error("expected a mapping of 'key: value' lines")
        entries: dict[str, YamlNode] = {}
        seen: set[str] = set()
        for key_node, value_node in self.node.value:
            key = YamlNode(key_node, self.file)
            name = key.text()
            if name in seen:
                raise key.error(f"key {name!r} appears twice")
            seen.add(name)
            if required | optional and name not in required | optional:
                raise key.error(f"unknown key {name!r} (allowed: {', '.join(sorted(required | optional))})")
            value = YamlNode(value_node, self.file)
            if not value.is_null:
                entries[name] = value
        missing = sorted(required - entries.keys())
        if missing:
            raise self.error(f"missing {', '.join(missing)}")
        return entries

    def sequence(self) -> list[YamlNode]:
        if not isinstance(self.node, yaml.SequenceNode):
            raise self.error("expected a list ('- ' items)")
        return [YamlNode(n, self.file) for n in self.node.value]

    def text(self) -> str:
        if not isinstance(self.node, yaml.ScalarNode) or not str(self.node.value).strip():
            raise self.error("expected a non-empty text value")
        return str(self.node.value).strip()

    def parsed(self, parser):
        """The scalar run through one of the ``parse_*`` functions, its ValueError turned into a SourceError."""
        try:
            return parser(self.text())
        except ValueError as e:
            raise self.error(str(e)) from None

    def texts(self) -> dict[str, str]:
        """Language-tagged text: ``{nl: ..., en: ...}``; a plain string counts as Dutch."""
        if isinstance(self.node, yaml.ScalarNode):
            return {"nl": self.text()}
        return {lang: value.text() for lang, value in self.mapping(optional={"nl", "en"}).items()}

    def refs(self, ctx: Context | None) -> tuple[str, ...]:
        try:
            if isinstance(self.node, yaml.SequenceNode):
                refs = parse_refs([item.text() for item in self.sequence()])
            else:
                refs = parse_refs(self.text())
            check_refs(refs, ctx)
        except ValueError as e:
            raise self.error(str(e)) from None
        return refs


def read_yaml(path: Path) -> YamlNode:
    """The root node of a YAML file; syntax errors become SourceErrors at the reported line."""
    try:
        with open(path, encoding="utf-8") as f:
            root = yaml.compose(f, Loader=yaml.SafeLoader)
    except FileNotFoundError:
        raise SourceError(path, "file not found") from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise SourceError(path, f"invalid YAML: {e.problem or e}", line=mark.line + 1 if mark else None) from None
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise SourceError(path, f"invalid YAML: {e}") from None
    if root is None:
        raise SourceError(path, "the file is empty", line=1)
    return YamlNode(root, path)


def optional(entries: dict[str, YamlNode], key: str, parser: Callable[[str], Any]) -> Any:
    """The parsed value of an optional key, or None when it is absent."""
    return entries[key].parsed(parser) if key in entries else None
