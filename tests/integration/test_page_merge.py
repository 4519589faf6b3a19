"""Merge and split on the thread screen, in Chromium against the local stack:
another thread of the customer joins this one, its old number leads to it, a message splits off."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.integration.browser import Tab
from tests.integration.page_helpers import new_thread, signed_in, tag

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def test_an_agent_merges_the_customers_other_thread_and_its_number_leads_here(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    email = f"merge-{tag()}@example.com"
    first = new_thread(stack, email=email, text="Where is my first order?", order_ref="FIRST")
    second = new_thread(stack, email=email, text="And the second one?", order_ref="SECOND")
    other = new_thread(stack, email=f"someone-{tag()}@example.com", text="Not Ann")
    tab = open_page()
    page = signed_in(tab, stack, "agent", f"#/threads/{first}")
    expect(page.get_by_test_id("thread-title")).to_have_text(f"Thread #{first}")

    # Another customer's thread is refused with the API's words.
    page.get_by_test_id("merge-source").fill(str(other))
    page.get_by_test_id("merge-submit").click()
    page.get_by_test_id("merge-confirmed").click()
    expect(page.get_by_test_id("thread-flash")).to_have_text("Only threads of the same customer (the same e-mail address) can be merged.")

    page.get_by_test_id("merge-source").fill(f"#{second}")
    page.get_by_test_id("merge-submit").click()
    expect(page.get_by_test_id("merge-confirm-text")).to_have_text(f"Thread #{second} joins thread #{first}. This cannot be undone.")
    page.get_by_test_id("merge-confirmed").click()
    expect(page.get_by_test_id("thread-flash")).to_have_text(f"Thread #{second} was merged into this one.")
    texts = page.get_by_test_id("message-text")
    expect(texts).to_contain_text(["Where is my first order?", "And the second one?", f"#{second} → #{first}"])
    expect(page.get_by_test_id("message-source").last).to_have_text("Merged")

    # The old number leads to the merged thread, and says so.
    page.goto(stack["url"] + f"#/threads/{second}")
    expect(page.get_by_test_id("thread-title")).to_have_text(f"Thread #{first}")
    expect(page.get_by_test_id("thread-flash")).to_have_text(f"Thread #{second} was merged into thread #{first}.")
    assert page.url.endswith(f"#/threads/{first}")
    assert tab.problems(r"status of 422") == []


def test_a_message_splits_off_into_a_new_thread_of_the_customer(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    email = f"split-{tag()}@example.com"
    number = new_thread(stack, email=email, text="Where is my order?")
    new_thread(stack, email=email, text="Also: do you sell gift cards?")  # continues the open thread
    tab = open_page()
    page = signed_in(tab, stack, "agent", f"#/threads/{number}")
    messages = page.get_by_test_id("message")
    expect(messages).to_have_count(2)
    messages.nth(1).get_by_test_id("split-message").click()
    page.get_by_test_id("split-confirmed").click()
    expect(page.get_by_test_id("thread-title")).not_to_have_text(f"Thread #{number}")
    expect(page.get_by_test_id("message-text").first).to_have_text("Also: do you sell gift cards?")
    expect(page.get_by_test_id("customer-email")).to_contain_text(email)
    assert tab.problems() == []


def test_a_thread_address_that_is_not_a_number_is_not_found(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    tab = open_page()
    page = signed_in(tab, stack, "agent", "#/threads/abc")
    expect(page.get_by_test_id("thread-not-found")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Thread not found")
    assert "NaN" not in page.locator("main").inner_text()
    assert tab.problems() == []
