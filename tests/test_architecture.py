"""The layout shows its parts: imports point one way, and no module grows past what a newcomer can read.

The library (``gzg_graph``) knows nothing of HTTP and never imports the web layer (``api/``, installed as
``gzg_api``); inside it, each sub-package may use only the ones below it (table ``ALLOWED``). A new import
that breaks this fails here, naming the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import REPO

LIBRARY = REPO / "gzg_graph"
WEB = REPO / "api"

#: The library's parts, bottom-up. ``core`` are the top-level modules every part may use.
CORE = {
    "gzg_graph",
    "gzg_graph.config",
    "gzg_graph.errors",
    "gzg_graph.formats",
    "gzg_graph.terms",
    "gzg_graph.namespaces",
    "gzg_graph.uris",
    "gzg_graph.queries",
}
#: part -> the parts (besides the core and itself) it may import.
ALLOWED = {
    "gzg_graph.store": set(),
    "gzg_graph.sources": set(),
    "gzg_graph.mapping": {"gzg_graph.sources"},
    "gzg_graph.validation": {"gzg_graph.sources", "gzg_graph.store"},
    "gzg_graph.publishing": {"gzg_graph.store"},
    "gzg_graph.writes": {"gzg_graph.store", "gzg_graph.validation"},
    "gzg_graph.build": {"gzg_graph.sources", "gzg_graph.mapping", "gzg_graph.validation", "gzg_graph.store"},
    "gzg_graph.stewarding": {
        "gzg_graph.sources",
        "gzg_graph.mapping",
        "gzg_graph.validation",
        "gzg_graph.store",
        "gzg_graph.publishing",
        "gzg_graph.writes",
    },
    "gzg_graph.lblod_sync": {"gzg_graph.sources", "gzg_graph.mapping", "gzg_graph.validation", "gzg_graph.store"},
    "gzg_graph.cli": {"*"},
}
#: Third-party packages of the web: the library does not import them (the CLI starts uvicorn by name).
HTTP_PACKAGES = {"fastapi", "starlette", "httpx", "gzg_api", "api"}
MAX_LINES = 400


def _module_name(path: Path, root: Path, package: str) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([package, *parts])


def _imports(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``path``, relative imports resolved."""
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
                names = [f"{target}.{a.name}" for a in node.names] if not node.module else [target]
                found += [(node.lineno, name) for name in names]
            else:
                found.append((node.lineno, node.module or ""))
    return found


def _part(module: str) -> str:
    """The part of the library a module belongs to (``gzg_graph.mapping.lblod`` -> ``gzg_graph.mapping``)."""
    if module in CORE or any(module.startswith(c + ".") for c in CORE - {"gzg_graph"}):
        return "core"
    return ".".join(module.split(".")[:2])


def _library_modules() -> list[tuple[Path, str]]:
    return [(p, _module_name(p, LIBRARY, "gzg_graph")) for p in sorted(LIBRARY.rglob("*.py"))]


def test_the_library_never_imports_the_web_layer():
    wrong = [
        f"{path.relative_to(REPO)}:{line} imports {name}"
        for path, module in _library_modules()
        for line, name in _imports(path, module)
        if name.split(".")[0] in HTTP_PACKAGES
    ]
    assert wrong == []


@pytest.mark.parametrize("path, module", _library_modules(), ids=lambda v: str(v).rsplit("/", 1)[-1])
def test_each_part_imports_only_the_parts_below_it(path, module):
    own = _part(module)
    allowed = ALLOWED.get(own, set())
    wrong = []
    for line, name in _imports(path, module):
        if not name.startswith("gzg_graph"):
            continue
        target = _part(name)
        if own == "core" and target != "core" and name != "gzg_graph":
            wrong.append(f"{path.relative_to(REPO)}:{line} (core) imports {name}")
        elif own != "core" and target not in ("core", own) and "*" not in allowed and target not in allowed:
            wrong.append(
                f"{path.relative_to(REPO)}:{line} ({own}) imports {name}; allowed: {sorted(allowed) or 'core'}"
            )
    assert wrong == []


def test_the_web_layer_uses_the_library_not_the_cli():
    wrong = [
        f"{path.relative_to(REPO)}:{line} imports {name}"
        for path in sorted(WEB.rglob("*.py"))
        for line, name in _imports(path, _module_name(path, WEB, "gzg_api"))
        if name.startswith(("gzg_graph.cli", "api."))
    ]
    assert wrong == []


def test_no_module_is_longer_than_a_newcomer_reads_at_once():
    lengths = {
        str(p.relative_to(REPO)): len(p.read_text(encoding="utf-8").splitlines())
        for p in [*LIBRARY.rglob("*.py"), *WEB.rglob("*.py")]
    }
    assert {name: n for name, n in lengths.items() if n >= MAX_LINES} == {}


def test_the_checker_sees_a_wrong_import(tmp_path):
    """The walker above must not pass by missing imports: a planted upward import is found."""
    planted = tmp_path / "planted.py"
    planted.write_text("from ..mapping import lblod\nimport fastapi\n", encoding="utf-8")
    names = [name for _, name in _imports(planted, "gzg_graph.sources.planted")]
    assert names == ["gzg_graph.mapping", "fastapi"]
    assert _part(names[0]) == "gzg_graph.mapping" and _part("gzg_graph.uris") == "core"


def test_every_package_is_in_the_wheel():
    """pyproject.toml lists the packages explicitly (the layout maps folders); a new sub-package must be added."""
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {_module_name(p, LIBRARY, "gzg_graph") for p in LIBRARY.rglob("__init__.py")}
    found |= {_module_name(p, WEB, "gzg_api") for p in WEB.rglob("__init__.py")}
    assert found - listed == set()
