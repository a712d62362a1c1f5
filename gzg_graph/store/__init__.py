"""Triple stores behind one small interface (:class:`Store`).

``EmbeddedStore`` (pyoxigraph, in this process) is the default; a remote SPARQL 1.1 store (Virtuoso)
implements the same interface over the SPARQL protocol.
"""

from .base import GraphInfo, QueryResult, RdfFormat, ResultFormat, Store, detect_query_kind
from .embedded import EmbeddedStore

__all__ = ["EmbeddedStore", "GraphInfo", "QueryResult", "RdfFormat", "ResultFormat", "Store", "detect_query_kind"]
