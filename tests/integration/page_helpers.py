"""Shared steps of the agents' page tests (test_page_*.py): signing in, calling the API, seeding."""

from __future__ import annotations

import uuid
from typing import Any

import requests
from playwright.sync_api import Page, expect

from tests.integration.browser import Tab
from tests.integration.page_seed import seed


def api(stack: dict[str, Any], token: str, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(method, stack["agents_api"] + path, headers={"Authorization": f"Bearer {token}"}, json=body, timeout=10)


def tag() -> str:
    return uuid.uuid4().hex[:8]


def signed_in(tab: Tab, stack: dict[str, Any], role: str, path: str = "") -> Page:
    login = stack["logins"][role]
    page = tab.page
    page.goto(stack["url"] + path)
    page.get_by_test_id("signin-email").fill(login["username"])
    page.get_by_test_id("signin-password").fill(login["password"])
    page.get_by_test_id("signin-submit").click()
    expect(page.get_by_test_id("user-email")).to_have_text(login["username"])
    return page


def new_thread(stack: dict[str, Any], **message: Any) -> int:
    """One thread started by a customer message (shopdesk.store.threads, as intake would store it)."""
    spec = {"email": f"customer-{tag()}@example.com", "text": "Where is my order?", "customer_name": "Ann Smith", "language": "en", **message}
    return seed(stack, [spec])[0]


def sent_mail(stack: dict[str, Any]) -> list[dict[str, Any]]:
    answer = requests.get(stack["sent_mail"] + ".json", timeout=10)
    answer.raise_for_status()
    return answer.json()


def row(page: Page, number: int):
    return page.locator(f'[data-testid=thread-row][data-number="{number}"]')
