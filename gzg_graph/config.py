"""Settings, read once from the environment (``GZG_*``) with defaults that work on a fresh clone.

Where things are:

* the shapes, the ontology and the named queries ship inside the package (``gzg_graph/shapes``,
  ``gzg_graph/ontology``, ``gzg_graph/queries``; in a clone the first two are the top-level ``shapes/`` and
  ``ontology/``, mapped into the package by ``pyproject.toml``), so an installed ``gzg`` has them;
* the source data is the clone's ``data/`` when ``gzg`` runs from a clone, else ``GZG_DATA_DIR`` must say
  where it is (:meth:`Settings.require_data_dir` raises a clear error otherwise);
* the store lives in the clone's ``var/store``, else in ``./var/store``; ``GZG_STORE_DIR`` overrides both.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .errors import GzgError
from .queries.examples import LBLOD_ENDPOINT

#: The clone this package runs from, or None for an installed package (site-packages has no pyproject.toml).
_PACKAGE_PARENT = Path(__file__).resolve().parent.parent
CLONE_ROOT: Path | None = (
    _PACKAGE_PARENT
    if (_PACKAGE_PARENT / "pyproject.toml").is_file() and (_PACKAGE_PARENT / "gzg_graph").is_dir()
    else None
)


def packaged(folder: str) -> Traversable:
    """A folder of files shipped inside the package: ``shapes``, ``ontology`` or ``queries``."""
    return resources.files(f"gzg_graph.{folder}")


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else None


def _stewards_from_env() -> str:
    """GZG_STEWARDS, plus the lines of the file GZG_STEWARDS_FILE (a missing file is an error, not no stewards)."""
    listed = os.environ.get("GZG_STEWARDS", "")
    path = _env_path("GZG_STEWARDS_FILE")
    if path is None:
        return listed
    try:
        return listed + "\n" + path.read_text(encoding="utf-8")
    except OSError as e:
        raise GzgError(f"GZG_STEWARDS_FILE {path}: cannot read: {e.strerror}") from e


def _auth_scheme(value: str) -> str:
    if value.lower() not in ("digest", "basic"):
        raise GzgError(f"GZG_SPARQL_AUTH must be digest or basic, not {value!r}")
    return value.lower()


def _default_data_dir() -> Path | None:
    if CLONE_ROOT is not None and (CLONE_ROOT / "data").is_dir():
        return CLONE_ROOT / "data"
    return None


def _default_store_dir() -> Path:
    return (CLONE_ROOT if CLONE_ROOT is not None else Path.cwd()) / "var" / "store"


@dataclass(frozen=True)
class Settings:
    """Everything that differs between deployments.

    ``base_uri`` is the root of every URI the graph mints ({base}/id/..., {base}/doc/..., {base}/ns/...).
    The default is the address ``gzg serve`` listens on, so that minted URIs dereference out of the box;
    a deployment sets ``GZG_BASE_URI`` to its public address and rebuilds. ``shapes_dir`` and
    ``ontology_dir`` default to the files shipped in the package (None); set them only to try other files.
    """

    base_uri: str = "http://127.0.0.1:8000"
    data_dir: Path | None = None
    store_dir: Path = Path("var/store")
    shapes_dir: Path | None = None
    ontology_dir: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    max_request_bytes: int = 10 * 1024 * 1024
    query_timeout_seconds: float = 30.0
    query_workers: int = 2
    query_waiting: int = 16  # queued, not refused: 8 clients at once are normal; 40 slow queries are not
    query_memory_mb: int = 4096
    max_result_bytes: int = 64 * 1024 * 1024
    max_query_bytes: int = 100 * 1024
    max_query_depth: int = 100
    max_query_operators: int = 2000
    allowed_services: frozenset[str] = frozenset()
    #: The LBLOD SPARQL endpoint the federated example queries call (GZG_LBLOD_ENDPOINT); they run only where
    #: it is also in ``allowed_services``. The default is LBLOD's public endpoint.
    lblod_endpoint: str = LBLOD_ENDPOINT
    validation_slots: int = 2
    #: Memory for answers kept to be sent again while the store is unchanged (api/caching.py); 0 turns it off.
    response_cache_mb: int = 64
    cors_origins: tuple[str, ...] = ("*",)
    log_level: str = "INFO"
    write_token: str | None = field(default=None, repr=False)  # a secret: never shown
    #: Data stewards and their tokens, ``name:token`` separated by commas or new lines (GZG_STEWARDS, or the
    #: file GZG_STEWARDS_FILE); read by ``gzg_graph.stewarding.stewards``. Never shown (``repr``) or logged.
    stewards: str = field(default="", repr=False)
    #: A remote SPARQL 1.1 store instead of the embedded one: its query endpoint (GZG_SPARQL_ENDPOINT). Setting it
    #: is the one switch; the rest is only needed where the store differs from its defaults (README, "Virtuoso").
    sparql_endpoint: str | None = None
    sparql_update_endpoint: str | None = None
    graph_store_endpoint: str | None = None
    sparql_user: str | None = None
    sparql_password: str | None = field(default=None, repr=False)  # a secret: never shown
    sparql_auth: str = "digest"
    sparql_row_cap: int = 10_000

    @classmethod
    def from_env(cls) -> Settings:
        d = cls()
        try:
            return cls(
                base_uri=os.environ.get("GZG_BASE_URI", d.base_uri).rstrip("/"),
                data_dir=_env_path("GZG_DATA_DIR") or _default_data_dir(),
                store_dir=_env_path("GZG_STORE_DIR") or _default_store_dir(),
                ontology_dir=_env_path("GZG_ONTOLOGY_DIR"),
                shapes_dir=_env_path("GZG_SHAPES_DIR"),
                host=os.environ.get("GZG_HOST", d.host),
                port=int(os.environ.get("GZG_PORT", d.port)),
                max_request_bytes=int(os.environ.get("GZG_MAX_REQUEST_BYTES", d.max_request_bytes)),
                query_timeout_seconds=float(os.environ.get("GZG_QUERY_TIMEOUT", d.query_timeout_seconds)),
                query_workers=int(os.environ.get("GZG_QUERY_WORKERS", d.query_workers)),
                query_waiting=int(os.environ.get("GZG_QUERY_WAITING", d.query_waiting)),
                query_memory_mb=int(os.environ.get("GZG_QUERY_MEMORY_MB", d.query_memory_mb)),
                max_result_bytes=int(os.environ.get("GZG_MAX_RESULT_BYTES", d.max_result_bytes)),
                max_query_bytes=int(os.environ.get("GZG_MAX_QUERY_BYTES", d.max_query_bytes)),
                max_query_depth=int(os.environ.get("GZG_MAX_QUERY_DEPTH", d.max_query_depth)),
                max_query_operators=int(os.environ.get("GZG_MAX_QUERY_OPERATORS", d.max_query_operators)),
                allowed_services=frozenset(os.environ.get("GZG_SERVICE_ALLOW", "").split()),
                lblod_endpoint=os.environ.get("GZG_LBLOD_ENDPOINT") or d.lblod_endpoint,
                validation_slots=int(os.environ.get("GZG_VALIDATION_SLOTS", d.validation_slots)),
                response_cache_mb=int(os.environ.get("GZG_RESPONSE_CACHE_MB", d.response_cache_mb)),
                cors_origins=tuple(os.environ.get("GZG_CORS_ORIGINS", " ".join(d.cors_origins)).split()),
                log_level=os.environ.get("GZG_LOG_LEVEL", d.log_level).upper(),
                write_token=os.environ.get("GZG_WRITE_TOKEN") or None,
                stewards=_stewards_from_env(),
                sparql_endpoint=os.environ.get("GZG_SPARQL_ENDPOINT") or None,
                sparql_update_endpoint=os.environ.get("GZG_SPARQL_UPDATE_ENDPOINT") or None,
                graph_store_endpoint=os.environ.get("GZG_GRAPH_STORE_ENDPOINT") or None,
                sparql_user=os.environ.get("GZG_SPARQL_USER") or None,
                sparql_password=os.environ.get("GZG_SPARQL_PASSWORD") or None,
                sparql_auth=_auth_scheme(os.environ.get("GZG_SPARQL_AUTH", d.sparql_auth)),
                sparql_row_cap=int(os.environ.get("GZG_SPARQL_ROW_CAP", d.sparql_row_cap)),
            )
        except ValueError as e:
            raise GzgError(f"a GZG_* setting is not a number: {e}") from e

    def require_data_dir(self) -> Path:
        """The source data directory; a clear error when there is none (an installed package, no GZG_DATA_DIR)."""
        if self.data_dir is None:
            raise GzgError(
                "no data directory: gzg is not running from a clone with data/, so set GZG_DATA_DIR "
                "(or pass --data) to the folder holding programme.yaml, calls.yaml, ... and lblod/"
            )
        if not self.data_dir.is_dir():
            raise GzgError(f"data directory {self.data_dir} does not exist")
        return self.data_dir

    @property
    def shapes(self) -> Path | Traversable:
        """The folder of SHACL shapes (``*.ttl``) to validate with."""
        return self.shapes_dir if self.shapes_dir is not None else packaged("shapes")

    @property
    def ontology(self) -> Path | Traversable:
        """The folder holding the ontology (``gzg.ttl``)."""
        return self.ontology_dir if self.ontology_dir is not None else packaged("ontology")
