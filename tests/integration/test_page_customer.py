"""The customer's whole story and privacy from the page, in Chromium
against the local stack: the thread screen lists the customer's other threads and leads to the
customer page, which gathers threads and orders (by e-mail or storefront id); admins export the
customer's data and erase it after typing the address."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.integration.browser import Tab
from tests.integration.page_helpers import signed_in, tag
from tests.integration.page_seed import seed

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def customer_with_threads(stack: dict[str, Any]) -> dict[str, Any]:
    email, customer_id = f"story-{tag()}@example.com", f"c{tag()}"
    numbers = seed(
        stack,
        threads=[
            {"email": email, "text": "Where is my mug?", "customer_name": "Zofia Wiśniewska", "order_ref": "MUG1"},
            {"email": email, "text": "Can I change the colour?", "customer_name": "Zofia Wiśniewska", "order_ref": "MUG2"},
        ],
        customers=[
            {
                "email": email,
                "name": "Zofia Wiśniewska",
                "customer_id": customer_id,
                "since": "2025-01-10T10:00:00+00:00",
                "orders": [
                    {"reference": "MUG1", "total": "19.90", "placed_at": "2026-10-01T10:00:00+00:00", "history": [{"status": "shipped", "at": "2026-10-02T10:00:00+00:00"}]},
                    {"reference": "MUG2", "total": "24.50", "placed_at": "2026-10-05T10:00:00+00:00"},
                ],
            }
        ],
    )
    return {"email": email, "customer_id": customer_id, "numbers": numbers}


def test_the_thread_screen_leads_to_the_customers_other_threads_and_page(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    customer = customer_with_threads(stack)
    first, second = customer["numbers"]
    tab = open_page()
    page = signed_in(tab, stack, "agent", f"#/threads/{first}")
    others = page.get_by_test_id("other-thread")
    expect(others).to_have_count(1)
    expect(others.first).to_contain_text(f"#{second}")
    expect(others.first).to_contain_text("Can I change the colour?")
    page.get_by_test_id("customer-page-link").click()
    expect(page.get_by_test_id("customer-page-title")).to_have_text("Zofia Wiśniewska")
    expect(page.get_by_test_id("customer-thread-link")).to_have_text([f"#{second}", f"#{first}"])
    expect(page.get_by_test_id("customer-order-reference")).to_have_text(["MUG2", "MUG1"])
    expect(page.get_by_test_id("privacy-panel")).to_have_count(0)  # an agent, not an admin
    # By the storefront's customer id, the same story.
    page.goto(stack["url"] + f"#/customers/{customer['customer_id']}")
    expect(page.get_by_test_id("customer-email")).to_contain_text(customer["email"])
    expect(page.get_by_test_id("customer-thread")).to_have_count(2)
    page.get_by_test_id("customer-thread-link").first.click()
    expect(page.get_by_test_id("thread-title")).to_have_text(f"Thread #{second}")
    page.goto(stack["url"] + "#/customers/no-such-id")
    expect(page.get_by_test_id("customer-not-found")).to_be_visible()
    assert tab.problems(r"status of 404") == []


def test_an_admin_exports_and_erases_a_customer_after_typing_the_address(stack: dict[str, Any], open_page: Callable[..., Tab], tmp_path: Path) -> None:
    customer = customer_with_threads(stack)
    email = customer["email"]
    tab = open_page()
    page = signed_in(tab, stack, "admin", f"#/customers/{email}")
    expect(page.get_by_test_id("customer-thread")).to_have_count(2)

    with page.expect_download() as download:
        page.get_by_test_id("privacy-export").click()
    assert download.value.suggested_filename == f"shopdesk-{email}.json"
    exported = json.loads(Path(download.value.path()).read_text())
    assert exported["email"] == email and sorted(t["number"] for t in exported["threads"]) == sorted(customer["numbers"])
    assert [o["reference"] for o in exported["orders"]] and exported["customer"]["name"] == "Zofia Wiśniewska"

    page.get_by_test_id("privacy-erase").click()
    confirm = page.get_by_test_id("erase-confirmed")
    expect(page.get_by_test_id("erase-hint")).to_have_text(f"To confirm, type {email}.")
    expect(confirm).to_be_disabled()
    page.get_by_test_id("erase-typed").fill("someone-else@example.com")
    expect(confirm).to_be_disabled()
    page.get_by_test_id("erase-typed").fill(email.upper())
    expect(confirm).to_be_enabled()
    confirm.click()
    expect(page.get_by_test_id("customer-flash")).to_have_text("Erased: 2 threads and 2 orders.")
    expect(page.get_by_test_id("customer-no-threads")).to_be_visible()
    expect(page.get_by_test_id("customer-no-orders")).to_be_visible()
    page.goto(stack["url"] + f"#/threads/{customer['numbers'][0]}")
    expect(page.get_by_test_id("thread-not-found")).to_be_visible()
    assert tab.problems(r"status of 404") == []
