"""The web layer: a thin FastAPI application over the ``gzg_graph`` library."""
