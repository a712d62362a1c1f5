"""gzg-graph: the linked-data knowledge graph of Flanders' *Gemeente zonder Gemeentehuis* programme.

The library knows nothing of HTTP: it reads the sources in ``data/``, maps them to RDF with OSLO
terms, validates them with SHACL and keeps them in a :class:`~gzg_graph.store.base.Store`.
"""

__version__ = "0.1.0"
