"""The web layer: a thin FastAPI application over the ``gzg_graph`` library.

The folder is ``api/`` in the clone and is installed as the package ``gzg_api`` (see ``pyproject.toml``), so
it never clashes with another project's ``api``; import it as ``gzg_api``. The library never imports it.
"""
