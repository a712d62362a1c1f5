"""Settings, read once from the environment (``GZG_*``) with defaults that work on a fresh clone."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


@dataclass(frozen=True)
class Settings:
    """Everything that differs between deployments.

    ``base_uri`` is the root of every URI the graph mints ({base}/id/..., {base}/doc/..., {base}/ns/...).
    The default is the address ``gzg serve`` listens on, so that minted URIs dereference out of the box;
    a deployment sets ``GZG_BASE_URI`` to its public address and rebuilds.
    """

    base_uri: str = "http://127.0.0.1:8000"
    data_dir: Path = PROJECT_ROOT / "data"
    store_dir: Path = PROJECT_ROOT / "var" / "store"
    ontology_dir: Path = PROJECT_ROOT / "ontology"
    shapes_dir: Path = PROJECT_ROOT / "shapes"
    host: str = "127.0.0.1"
    port: int = 8000
    max_request_bytes: int = 10 * 1024 * 1024
    query_timeout_seconds: float = 30.0
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> "Settings":
        d = cls()
        return cls(
            base_uri=os.environ.get("GZG_BASE_URI", d.base_uri).rstrip("/"),
            data_dir=_env_path("GZG_DATA_DIR", d.data_dir),
            store_dir=_env_path("GZG_STORE_DIR", d.store_dir),
            ontology_dir=_env_path("GZG_ONTOLOGY_DIR", d.ontology_dir),
            shapes_dir=_env_path("GZG_SHAPES_DIR", d.shapes_dir),
            host=os.environ.get("GZG_HOST", d.host),
            port=int(os.environ.get("GZG_PORT", d.port)),
            max_request_bytes=int(os.environ.get("GZG_MAX_REQUEST_BYTES", d.max_request_bytes)),
            query_timeout_seconds=float(os.environ.get("GZG_QUERY_TIMEOUT", d.query_timeout_seconds)),
        )
