"""Mapping the records of :mod:`gzg_graph.sources` to RDF with OSLO and LBLOD terms (``docs/model.md``).

``own_data``: our curated data; ``lblod``: local governments, REFNIS codes and the Loket's measure;
``catalog``: the DCAT description of the named graphs; ``organisations``: who an organisation reference
means; ``identifiers``: KBO/OVO identifiers in the LBLOD pattern. Pure functions of the files: no network,
no store.
"""
