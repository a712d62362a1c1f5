"""HTML pages for people: one Jinja2 environment, the page language, the site's words and the layout.

Every page extends ``templates/base.html`` (header with the site's sections, a language switch, the
footer) and is rendered by :func:`render`, which

* picks the language: ``?lang=nl|en``, else ``Accept-Language`` (q-values honoured), else Dutch;
* passes ``t`` (the site's words in that language, from ``texts/*.yaml``), ``lang``, ``other_lang`` and
  ``switch_url`` (this page in the other language) to the template;
* sends a strict Content-Security-Policy: pages load their style from this origin and run no script, so
  they read the same with JavaScript off.

Templates autoescape; nothing is marked safe that comes from the data.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.staticfiles import StaticFiles

HERE = Path(__file__).resolve().parent
LANGUAGES = ("nl", "en")
SITE_STATIC = "/static/site"
#: Pages run no script and take nothing from another origin.
CSP = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,  # a misspelt variable is an error in the tests, not an empty string on a page
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["SITE_STATIC"] = SITE_STATIC
    return env


@cache
def texts() -> dict[str, dict[str, str]]:
    """The site's own words, ``{lang: {key: text}}``, from ``texts/*.yaml`` (one file per part of the site,
    one entry per key with its nl and en text; a key defined twice is an error)."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted((HERE / "texts").glob("*.yaml")):
        for key, entry in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"{path.name}: the page text {key!r} is defined twice")
            if set(entry) != set(LANGUAGES):
                raise ValueError(f"{path.name}: the page text {key!r} needs exactly {', '.join(LANGUAGES)}")
            merged[key] = entry
    return {lang: {key: entry[lang] for key, entry in merged.items()} for lang in LANGUAGES}


def language(request: Request) -> str:
    """``?lang=nl|en``, else the first of nl and en by ``Accept-Language`` (q-values honoured), else nl."""
    asked = request.query_params.get("lang", "").strip().lower()
    if asked in LANGUAGES:
        return asked
    best, best_q = LANGUAGES[0], 0.0
    for part in (request.headers.get("accept-language") or "").split(","):
        tag, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.lower().split("-")[0]
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


def other_language(lang: str) -> str:
    return LANGUAGES[1 - LANGUAGES.index(lang)]


def url_with(request: Request, **params: str | None) -> str:
    """This page's path and query with ``params`` set (``None`` removes one): links that keep the filters."""
    query = dict(request.query_params)
    for key, value in params.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return request.url.path + (f"?{urlencode(query)}" if query else "")


def render(
    request: Request, template: str, *, status_code: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> HTMLResponse:
    """The page ``template`` in the request's language; ``context`` gives the template its values."""
    lang = language(request)
    other = other_language(lang)
    body = (
        environment()
        .get_template(template)
        .render(
            lang=lang,
            other_lang=other,
            t=texts()[lang],
            switch_url=url_with(request, lang=other),
            request_path=request.url.path,
            **context,
        )
    )
    all_headers = {"Content-Security-Policy": CSP, "Vary": "Accept, Accept-Language", "Content-Language": lang}
    all_headers.update(headers or {})
    return HTMLResponse(body, status_code=status_code, headers=all_headers)


def mount_assets(app: FastAPI) -> None:
    """Serve the pages' stylesheet (``static/site.css``) at ``/static/site/``."""
    app.mount(SITE_STATIC, StaticFiles(directory=HERE / "static"), name="site")
