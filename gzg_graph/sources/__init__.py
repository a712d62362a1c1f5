"""Reading ``data/``: records, CSV, YAML and RDF files, each problem reported with its file and line.

``own_data`` reads our curated files, ``lblod`` the LBLOD and Loket extracts in ``data/lblod/``, ``rdf`` any
RDF (our Turtle files and what users hand us), ``datasets`` the catalogue description. The readers return
plain records (:mod:`.records`); :mod:`gzg_graph.mapping` turns them into RDF.
"""

from .csv_files import CsvRow, read_csv
from .own_data import (
                       BUILDING_BLOCKS,
                       CALLS,
                       CONCEPTS,
                       PARTICIPATION_COLUMNS,
                       PARTICIPATIONS,
                       PARTNERS,
                       PROGRAMME,
                       PROJECT_COLUMNS,
                       PROJECTS,
                       SCHEME_ORG_KIND,
                       SCHEME_PROJECT_TYPE,
                       SCHEME_ROLE,
                       SCHEME_STATUS,
                       SCHEME_THEME,
                       read_building_blocks,
                       read_calls,
                       read_documents,
                       read_participations,
                       read_partners,
                       read_programme,
                       read_projects,
                       read_sources,
                       read_vocabulary,
)
from .records import (
                       BuildingBlock,
                       Call,
                       Context,
                       Document,
                       Origin,
                       Participation,
                       Partner,
                       Programme,
                       Project,
                       Sources,
                       Vocabulary,
)
from .values import DOCUMENTS, is_kbo, normalise, parse_date, parse_decimal, parse_kbo, parse_ovo, parse_slug

__all__ = [
    "BUILDING_BLOCKS", "CALLS", "CONCEPTS", "DOCUMENTS", "PARTICIPATIONS", "PARTICIPATION_COLUMNS", "PARTNERS",
    "PROGRAMME", "PROJECTS", "PROJECT_COLUMNS", "SCHEME_ORG_KIND", "SCHEME_PROJECT_TYPE", "SCHEME_ROLE",
    "SCHEME_STATUS", "SCHEME_THEME", "BuildingBlock", "Call", "Context", "CsvRow", "Document", "Origin",
    "Participation", "Partner", "Programme", "Project", "Sources", "Vocabulary", "is_kbo", "normalise",
    "parse_date", "parse_decimal", "parse_kbo", "parse_ovo", "parse_slug", "read_building_blocks", "read_calls",
    "read_csv", "read_documents", "read_participations", "read_partners", "read_programme", "read_projects",
    "read_sources", "read_vocabulary",
]
