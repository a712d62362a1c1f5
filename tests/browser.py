"""A real headless browser for the page tests: Debian's Chromium driven by Playwright's Python client.

Playwright's own browser downloads are never used. Without ``/usr/bin/chromium`` (installed by
``scripts/ensure-system-packages.sh``) the browser tests skip on a developer's machine and fail on CI (``CI``
set), where it must be there. :class:`Visit` records what a page did: every request (anything for another
host is refused, and still recorded), every response, page errors and Content-Security-Policy violations.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: Chromium's flags on these machines: no sandbox as root, and no background traffic to Google's hosts.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Records Content-Security-Policy violations (a page whose policy blocks what it needs is broken).
CSP_PROBE = """window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"""


def chromium() -> Iterator[Any]:
    """A launched Chromium for a test module (use as a fixture), skipped or failed as above when missing."""
    if not CHROMIUM.is_file():
        message = f"{CHROMIUM} is missing (Debian package chromium: scripts/ensure-system-packages.sh installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Visit:
    """A browser context that records every request, response, page error and policy violation."""

    def __init__(self, browser: Any, locale: str | None = None):
        self.context = browser.new_context(locale=locale) if locale else browser.new_context()
        self.requests: list[str] = []
        self.responses: dict[str, int] = {}
        self.errors: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.on("response", lambda response: self.responses.__setitem__(response.url, response.status))
        # anything for another host would be refused here, and still be recorded above
        self.context.route(re.compile(r"^(?!(https?://127\.0\.0\.1[:/])|data:)"), lambda route: route.abort())
        self.context.add_init_script(CSP_PROBE)
        self.context.on("page", self._watch)
        self.page = self.context.new_page()

    def _watch(self, page: Any) -> None:
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def elsewhere(self) -> list[str]:
        return [
            url for url in self.requests if urlsplit(url).scheme != "data" and urlsplit(url).hostname != "127.0.0.1"
        ]

    def violations(self, page: Any = None) -> list[str]:
        return list((page or self.page).evaluate("window.__violations"))

    def close(self) -> None:
        self.context.close()
