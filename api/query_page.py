"""The SPARQL query page people get at ``GET /sparql`` in a browser: YASGUI with our prefixes and example queries.

What is where:

* the page is ``api/templates/query_page.html`` (filled with :class:`string.Template`; every value is escaped
  here) with its own script and style in ``api/static/query_page.js`` and ``api/static/query_page.css``,
  served at ``/static/query/``;
* YASGUI itself (``@triply/yasgui``, pinned in ``package.json``) is installed by ``make install`` (``npm ci``)
  into the clone's ``node_modules/``; its two files are served at ``/static/yasgui/`` from there. Without them
  the page still answers, saying how to install them, with a plain form that runs a query without YASGUI;
* both are mounted on the application by :func:`mount_assets`, which ``create_app`` calls (and
  :func:`query_page` too, for an application built without it).

Nothing on the page comes from another host: the page's Content-Security-Policy (:data:`CSP`) lets it load and
connect to its own origin only. YASGUI's defaults would reach out to prefix.cc (prefix completion) and the LOV
API (class and property completion); here the prefixes are ours (``gzg_graph.namespaces.PREFIXES`` and the
``gzg`` namespace of ``settings.base_uri``) and classes and properties are asked of this endpoint.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Mapping
from functools import cache
from html import escape
from pathlib import Path
from string import Template

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

from gzg_graph.config import CLONE_ROOT, Settings
from gzg_graph.formats import RdfFormat, ResultFormat
from gzg_graph.namespaces import PREFIXES
from gzg_graph.queries.examples import Example, examples
from gzg_graph.uris import UriPolicy

from .negotiation import MediaRange, parse_accept
from .pages import LANGUAGES, language

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "templates" / "query_page.html"
STATIC = HERE / "static"
#: The files of YASGUI's build the page uses (see :func:`yasgui_dir`).
YASGUI_FILES = ("yasgui.min.js", "yasgui.min.css")
YASGUI_URL = "/static/yasgui"
OWN_URL = "/static/query"

HTML = "text/html"
#: What else ``GET /sparql`` answers: the service description (RDF) and results (for a query).
NOT_THE_PAGE = [f.value for f in RdfFormat] + [f.value for f in ResultFormat] + ["application/json"]

#: The one ``<style>`` element YASGUI writes: the column resizer of its results table (column-resizer 1.4.0, in
#: @triply/yasgui 4.2.28) adds the same fixed rules each time. Allowed by its hash rather than by 'unsafe-inline';
#: another YASGUI version may write other rules, which tests/test_query_page.py would see as a violation.
RESIZER_STYLE = "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='"
#: This origin only, and nothing inline: no inline script and no eval (a crafted IRI or literal in a result cannot
#: run code), no inline style but the resizer's. Styles YASGUI sets through the DOM (element.style) are not
#: inline styles and need no permission. ``data:`` images are the sort arrows in YASGUI's stylesheet and the
#: page's empty icon; ``connect-src 'self'``: queries and completions go to this endpoint only.
CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        f"style-src 'self' {RESIZER_STYLE}",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

#: The page's own words (YASGUI's are English).
TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "SPARQL-query's op de kennisgraaf Gemeente zonder Gemeentehuis",
        "heading": "SPARQL-query's",
        "intro": "Stel een SPARQL 1.1-query op over de kennisgraaf van Gemeente zonder Gemeentehuis: oproepen, "
        "thema's, projecten, consortia en de lokale besturen erachter. Kies een voorbeeld of schrijf je eigen "
        "query; Ctrl+Spatie vult prefixen, klassen en eigenschappen aan. URI's in de resultaten openen hun pagina.",
        "examples": "Voorbeeldquery's",
        "choose": "Kies een voorbeeld…",
        "missing": "De query-editor (YASGUI) is niet geïnstalleerd op deze server: voer 'make install' uit "
        "(npm ci) in de map van het project en herstart de server. Tot dan kan je hier een query uitvoeren "
        "zonder editor.",
        "noscript": "Deze pagina heeft JavaScript nodig voor de editor; zonder JavaScript kan je hier een query "
        "uitvoeren.",
        "run": "Uitvoeren",
        "home": "Startpagina",
        "api": "API-documentatie",
        "other": "English",
    },
    "en": {
        "title": "SPARQL queries over the Gemeente zonder Gemeentehuis knowledge graph",
        "heading": "SPARQL queries",
        "intro": "Write a SPARQL 1.1 query over the knowledge graph of Gemeente zonder Gemeentehuis: calls, "
        "themes, projects, consortia and the local governments behind them. Pick an example or write your own "
        "query; Ctrl+Space completes prefixes, classes and properties. URIs in the results open their page.",
        "examples": "Example queries",
        "choose": "Choose an example…",
        "missing": "The query editor (YASGUI) is not installed on this server: run 'make install' (npm ci) in the "
        "project's folder and restart the server. Until then you can run a query here without the editor.",
        "noscript": "This page needs JavaScript for the editor; without JavaScript you can run a query here.",
        "run": "Run",
        "home": "Home",
        "api": "API documentation",
        "other": "Nederlands",
    },
}


def prefers_page(request: Request) -> bool:
    """True when ``Accept`` prefers ``text/html`` over every RDF and SPARQL results type.

    "Prefers" means a higher q, or the same q from a more specific range (``text/html, */*`` names HTML and
    takes the rest as a fallback); ``*/*`` alone or no ``Accept`` is not a preference, and keeps the service
    description.
    """
    ranges = parse_accept(request.headers.get("accept"))
    page = _weight(ranges, HTML)
    return page[0] > 0 and all(_weight(ranges, other) < page for other in NOT_THE_PAGE)


def _weight(ranges: list[MediaRange], media_type: str) -> tuple[float, int]:
    """(q, specificity) of the most specific range that matches ``media_type``; (0, 0) when none does."""
    matching = [r for r in ranges if r.matches(media_type)]
    if not matching:
        return (0.0, 0)
    decisive = max(matching, key=lambda r: (r.specificity, r.q))
    return (decisive.q, decisive.specificity)


def query_page(request: Request, settings: Settings) -> Response:
    """The page (200, HTML) for ``GET /sparql`` without a query from a browser."""
    mount_assets(request.app)
    lang = language(request)
    texts = TEXTS[lang]
    other = LANGUAGES[1 - LANGUAGES.index(lang)]
    ready = yasgui_dir() is not None
    # Federated examples only where their endpoints are allowed: elsewhere they could only be refused.
    menu = examples(settings.base_uri, settings.lblod_endpoint)
    chosen = [e for e in menu if set(e.services) <= settings.allowed_services]
    config = {
        "endpoint": "/sparql",
        "base": settings.base_uri,
        "lang": lang,
        "prefixes": {**PREFIXES, "gzg": str(UriPolicy(settings.base_uri).ns)},
        "examples": [_example_json(e, lang) for e in chosen],
    }
    options = "".join(f'<option value="{escape(e.id)}">{escape(_in(e.title, lang))}</option>' for e in chosen)
    values = {
        **{key: escape(text) for key, text in texts.items()},
        "lang": lang,
        "other_lang": other,
        "config": _script_json(config),
        "options": options,
        "yasgui_css": f'<link rel="stylesheet" href="{YASGUI_URL}/yasgui.min.css">' if ready else "",
        "yasgui_js": f'<script src="{YASGUI_URL}/yasgui.min.js" defer></script>' if ready else "",
        "own": OWN_URL,
        "missing_hidden": "hidden" if ready else "",
        "first_query": escape(chosen[0].sparql if chosen else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"),
    }
    body = _template().substitute(values)
    headers = {
        "Content-Security-Policy": CSP,
        "Content-Language": lang,
        "Vary": "Accept, Accept-Language",
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    return HTMLResponse(body, headers=headers)


def _in(texts: Mapping[str, str], lang: str) -> str:
    return texts.get(lang) or next(iter(texts.values()), "")


def _example_json(example: Example, lang: str) -> dict[str, str]:
    return {
        "id": example.id,
        "title": _in(example.title, lang),
        "description": _in(example.description, lang),
        "sparql": example.sparql,
    }


def _script_json(value: object) -> str:
    """JSON for a ``<script type="application/json">`` block: no ``<`` (so no ``</script>``), no ``&``."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def _template() -> Template:
    return Template(TEMPLATE.read_text(encoding="utf-8"))


def yasgui_dir() -> Path | None:
    """The folder with YASGUI's build (``yasgui.min.js`` and ``.css``), or None when it is not installed.

    ``GZG_YASGUI_DIR`` names it (for an installed wheel); else it is ``node_modules/@triply/yasgui/build`` in the
    clone, or in the current directory when ``gzg`` is not running from a clone."""
    named = os.environ.get("GZG_YASGUI_DIR")
    if named:
        folder = Path(named)
    else:
        root = CLONE_ROOT if CLONE_ROOT is not None else Path.cwd()
        folder = root / "node_modules" / "@triply" / "yasgui" / "build"
    return folder if all((folder / name).is_file() for name in YASGUI_FILES) else None


class _OnlyFiles(StaticFiles):
    """Static files from a fixed list of names in a folder found at each request (None: not installed, 404).

    YASGUI's build folder also holds a demo page that loads fonts from a CDN: only the two files the page
    uses are served from it."""

    def __init__(self, names: tuple[str, ...], folder: Callable[[], Path | None]) -> None:
        super().__init__(directory=None, check_dir=False)
        self.names = names
        self.folder = folder

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        folder = self.folder()
        if path not in self.names or folder is None:
            return "", None
        full = str(folder / path)
        try:
            return full, os.stat(full)
        except OSError:
            return "", None


_mounting = threading.Lock()


def mount_assets(app: FastAPI) -> None:
    """Serve YASGUI's files at ``/static/yasgui/`` and the page's own at ``/static/query/`` (once per app).

    ``create_app`` may call it; otherwise the first page does, before any browser can ask for the files.
    """
    with _mounting:
        if getattr(app.state, "query_page_assets", False):
            return
        app.mount(YASGUI_URL, _OnlyFiles(YASGUI_FILES, yasgui_dir), name="yasgui")
        app.mount(OWN_URL, _OnlyFiles(("query_page.js", "query_page.css"), lambda: STATIC), name="query-page")
        app.state.query_page_assets = True
