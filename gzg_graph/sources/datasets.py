"""``data/datasets.yaml``: how the catalogue and each named graph are described (titles, licences, sources)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import SourceError

DATASETS_FILE = "datasets.yaml"


def read_datasets(data_dir: Path) -> dict[str, Any]:
    """The file's content; it must have the top-level keys ``catalog`` and ``datasets``."""
    path = data_dir / DATASETS_FILE
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise SourceError(path, "file not found") from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise SourceError(
            path, f"invalid YAML: {getattr(e, 'problem', e)}", line=mark.line + 1 if mark else None
        ) from e
    if not isinstance(content, dict) or "datasets" not in content or "catalog" not in content:
        raise SourceError(path, "expected top-level keys 'catalog' and 'datasets'")
    return content
