"""The SHACL shapes (``*.ttl``), installed as package data of gzg_graph: ``gzg_graph.shapes``.

This file only makes the folder a package, so ``importlib.resources`` finds the shapes in a clone and in a wheel
alike (see ``gzg_graph.config.packaged``).
"""
