"""The pyshacl internals that ``gzg_graph/validation/engine.py`` drives are still where it expects them.

Incremental validation uses pyshacl's own parts (not its public ``validate``) to validate chosen focus
nodes only. A pyshacl release may move them; this test then fails first, naming the internal that moved,
instead of the incremental tests failing somewhere deep. See the module docstring of ``engine.py`` for
what else an upgrade must check.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

#: (module, attribute, parameters it must accept) for every internal engine.py uses.
INTERNALS = [
    ("pyshacl.shapes_graph", "ShapesGraph", ["graph"]),
    ("pyshacl.shapes_graph", "ShapesGraph.shapes", None),
    ("pyshacl.shape", "Shape.set_advanced", ["val"]),
    ("pyshacl.shape", "Shape.focus_nodes", ["data_graph"]),
    ("pyshacl.shape", "Shape.validate", ["executor", "target_graph", "focus"]),
    ("pyshacl.pytypes", "SHACLExecutor", ["advanced_mode", "allow_infos", "allow_warnings"]),
    ("pyshacl.graph_abstraction", "DataGraph.from_rdflib", None),
    ("pyshacl.validator", "Validator.create_validation_report", ["sg", "conforms", "results"]),
    ("pyshacl.functions", "gather_functions", ["executor", "shacl_graph"]),
    ("pyshacl.functions", "apply_functions", ["executor", "fns", "data_graph"]),
    ("pyshacl.functions", "unapply_functions", ["fns", "data_graph"]),
    ("pyshacl.rules", "gather_rules", ["executor", "shacl_graph"]),
    ("pyshacl.target", "gather_target_types", ["shacl_graph"]),
    ("pyshacl.target", "apply_target_types", ["tts"]),
]


@pytest.mark.parametrize("module, attribute, parameters", INTERNALS, ids=[f"{m}.{a}" for m, a, _ in INTERNALS])
def test_internal_is_where_the_engine_expects_it(module, attribute, parameters):
    import pyshacl

    where = f"{module}.{attribute} (pyshacl {pyshacl.__version__})"
    try:
        target = importlib.import_module(module)
        for name in attribute.split("."):
            target = getattr(target, name)
    except (ImportError, AttributeError) as e:
        pytest.fail(
            f"gzg_graph/validation/engine.py needs {where}, which is gone: {e}. "
            "Adapt engine.py to the new pyshacl or keep the pin in pyproject.toml."
        )
    if parameters is None:
        return
    signature = inspect.signature(target)
    names = list(signature.parameters)
    missing = [p for p in parameters if p not in names]
    assert not missing, (
        f"gzg_graph/validation/engine.py calls {where} with {parameters}; its parameters are "
        f"now {names}. Adapt engine.py, then run tests/test_incremental.py."
    )


def test_pinned_pyshacl_minor_version():
    """The pin in pyproject.toml and the version installed agree (a new minor version is taken on purpose)."""
    import pyshacl

    major, minor = (int(part) for part in pyshacl.__version__.split(".")[:2])
    assert (major, minor) == (0, 40), f"pyshacl {pyshacl.__version__}: check engine.py's internals, then re-pin"
