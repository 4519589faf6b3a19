"""Debian's Chromium, driven by Playwright's sync API, for tests of the agents' page.

The browser is never downloaded: Playwright launches /usr/bin/chromium (`make system-packages`).
Import the fixtures into a test module:
`from tests.integration.browser import chromium_fixture, open_page_fixture  # noqa: F401` makes
`chromium` (the session's browser) and `open_page` (a factory of fresh tabs) available.

Every page opened through `open_page` records console errors, uncaught exceptions and Content
Security Policy violations; `tab.problems()` lists them (minus the patterns a test expects).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Runs before the page's own scripts in every document: Playwright injects it outside the page's
# CSP, so it can report violations the page itself could not.
_WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline code"} at ${event.sourceFile || "?"}:${event.lineNumber}`
  );
}, true);
"""


@dataclass
class Tab:
    """A page and what it complained about."""

    page: Page
    messages: list[str] = field(default_factory=list)

    def problems(self, *allowed: str) -> list[str]:
        """Console errors, uncaught exceptions and CSP violations, except those matching `allowed` regexes."""
        found = list(self.messages)
        if not self.page.is_closed():
            found += [f"CSP violation: {v}" for v in self.page.evaluate("window.__cspViolations || []")]
        return [message for message in found if not any(re.search(pattern, message) for pattern in allowed)]

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


# Every test module that imports the fixture gets its own (session-scoped) copy of it, and
# Playwright's sync API runs only once per thread: the modules share one browser, closed by the last.
_shared: dict[str, Any] = {"users": 0}


@pytest.fixture(scope="session", name="chromium")
def chromium_fixture() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-packages` (Debian's chromium package)")
    if not _shared["users"]:
        _shared["playwright"] = sync_playwright().start()
        _shared["browser"] = _shared["playwright"].chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    _shared["users"] += 1
    try:
        yield _shared["browser"]
    finally:
        _shared["users"] -= 1
        if not _shared["users"]:
            _shared["browser"].close()
            _shared["playwright"].stop()


@pytest.fixture(name="open_page")
def open_page_fixture(chromium: Browser) -> Iterator[Callable[..., Tab]]:
    """open_page(locale="en-US", width=1280, height=800) → a Tab in a fresh browser context
    (its own sessionStorage and localStorage), closed after the test."""
    contexts: list[BrowserContext] = []

    def open_tab(locale: str = "en-US", width: int = 1280, height: int = 800) -> Tab:
        context = chromium.new_context(locale=locale, viewport={"width": width, "height": height}, service_workers="block")
        context.set_default_timeout(10_000)
        contexts.append(context)
        context.add_init_script(_WATCH_CSP)
        page = context.new_page()
        tab = Tab(page)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error" or "Content Security Policy" in message.text:
                tab.messages.append(f"console {message.type}: {message.text} ({message.location.get('url', '')})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: tab.messages.append(f"uncaught exception: {error}"))
        return tab

    yield open_tab
    for context in contexts:
        context.close()
