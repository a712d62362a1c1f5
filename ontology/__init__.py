"""The ontology (``gzg.ttl``), installed as package data of gzg_graph: ``gzg_graph.ontology``.

This file only makes the folder a package, so ``importlib.resources`` finds the ontology in a clone and in a
wheel alike (see ``gzg_graph.config.packaged``).
"""
