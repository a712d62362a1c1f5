"""Triple stores behind one small interface (:class:`Store`).

``EmbeddedStore`` (pyoxigraph, in this process) is the default; a remote SPARQL 1.1 store (Virtuoso)
implements the same interface over the SPARQL protocol.
"""

from ..formats import RdfFormat, ResultFormat
from .base import Bindings, Change, GraphInfo, QueryResult, Store, bind_values, detect_query_kind
from .embedded import EmbeddedStore
from .updates import UsingDataset

__all__ = [
    "Bindings",
    "Change",
    "EmbeddedStore",
    "bind_values",
    "GraphInfo",
    "QueryResult",
    "RdfFormat",
    "ResultFormat",
    "Store",
    "UsingDataset",
    "detect_query_kind",
]
