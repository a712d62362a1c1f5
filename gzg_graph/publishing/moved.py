"""Where a URI we minted once went: the answer behind a ``301 Moved Permanently``.

Participation URIs named their participant by its key, the last segment of its URI (an LBLOD unit's 64-hex
id: ``/id/deelname/burgerloket--be2784...``); they now name it by a readable slug
(``/id/deelname/burgerloket--mechelen``). The old URIs were published, so they keep resolving: the
participation of that project whose participant's URI ends in that key is where the old URI went. It is
computed from the graph (no table of old URIs to keep), with the store's pattern reads.
"""

from __future__ import annotations

from rdflib import URIRef

from ..namespaces import M8G
from ..store.base import Store
from ..uris import UriPolicy, last_segment


def moved_to(store: Store, uri: str, uris: UriPolicy) -> str | None:
    """The URI that replaced ``uri``, or None when ``uri`` is current or was never minted."""
    for project, key in uris.participation_parts(uri):
        project_node = uris.id("project", project)
        participations = {o for _, p, o in store.triples_from([project_node]) if p == M8G.hasParticipation}
        for participant, _, participation in store.triples_to(participations, [M8G.playsRole]):
            if isinstance(participant, URIRef) and last_segment(str(participant)) == key and str(participation) != uri:
                return str(participation)
    return None
