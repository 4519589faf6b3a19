"""Issue 13 §3–6 in Chromium against the local stack: drafts that survive leaving, saved replies
inserted with `::`, snooze and wake-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.integration.browser import Tab
from tests.integration.page_helpers import new_thread, row, signed_in, tag

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def open_thread(page: Page, number: int) -> None:
    page.goto(page.url.split("#")[0] + f"#/threads/{number}")
    expect(page.get_by_test_id("thread-title")).to_have_text(f"Thread #{number}")


def test_a_draft_survives_leaving_the_thread_and_coming_back(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    number = new_thread(stack, email=f"draft-{tag()}@example.com", text="Can I change the colour?")
    tab = open_page()
    page = signed_in(tab, stack, "agent")
    row(page, number).get_by_test_id("thread-link").click()
    expect(page.get_by_test_id("thread-title")).to_have_text(f"Thread #{number}")
    typed = f"Of course, which colour would you like? ({tag()})"
    page.get_by_test_id("reply-text").fill(typed)
    page.get_by_test_id("note-text").fill("Check stock of red first")
    # Leaving at once (before the typing pause saves it) still keeps the text.
    page.get_by_test_id("back-to-list").click()
    expect(row(page, number)).to_be_visible()
    row(page, number).get_by_test_id("thread-link").click()
    expect(page.get_by_test_id("reply-text")).to_have_value(typed)
    expect(page.get_by_test_id("note-text")).to_have_value("Check stock of red first")

    # A colleague sees who is writing, not what.
    other = open_page()
    colleague = signed_in(other, stack, "admin")
    open_thread(colleague, number)
    expect(colleague.get_by_test_id("colleague-draft")).to_have_count(1)
    expect(colleague.get_by_test_id("colleague-draft")).to_have_text(f"{stack['logins']['agent']['username']} has a draft")
    expect(colleague.get_by_test_id("reply-text")).not_to_have_value(typed)

    # Sending deletes the draft: the next visit starts from the default message again.
    page.get_by_test_id("reply-send").click()
    expect(page.get_by_test_id("thread-flash")).to_have_text("Reply sent. The thread is marked as handled.")
    page.get_by_test_id("back-to-list").click()
    expect(row(page, number)).to_be_visible()
    row(page, number).get_by_test_id("thread-link").click()
    expect(page.get_by_test_id("note-text")).to_have_value("Check stock of red first")
    expect(page.get_by_test_id("reply-text")).not_to_have_value(typed)
    assert tab.problems() == [] and other.problems() == []
