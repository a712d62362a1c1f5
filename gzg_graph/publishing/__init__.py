"""Publishing the graph: describing resources (what ``/doc/...`` serves). JSON-LD framing, collections and
feeds belong here too. Knows nothing of HTTP: the web layer (``api/``) calls it."""
