"""Issue 13, part 1, in Chromium against the local stack: taking and handing over a thread, two
agents on one thread (presence and the refused send), and a customer's message arriving while an
agent types. The page polls every 20 s: waits allow one poll and a little more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.integration.browser import Tab
from tests.integration.page_helpers import new_thread, row, signed_in, tag

pytestmark = [pytest.mark.stack, pytest.mark.browser]

POLL = 30_000  # one 20-second poll, with room


def open_thread(tab: Tab, stack: dict[str, Any], number: int, role: str) -> Page:
    page = signed_in(tab, stack, role)
    row(page, number).get_by_test_id("thread-link").click()
    expect(page.get_by_test_id("thread-title")).to_have_text(f"Thread #{number}")
    return page


def test_an_agent_takes_a_thread_and_hands_it_to_a_colleague_with_a_note(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    number = new_thread(stack, text="My parcel is late")
    page = open_thread(open_page(), stack, number, "admin")
    expect(page.get_by_test_id("owner-name")).to_have_text("No one")
    page.get_by_test_id("owner-take").click()
    expect(page.get_by_test_id("owner-name")).to_have_text("Marta Admin")
    page.get_by_test_id("owner-to").select_option(label="Alex Agent")
    note = f"She called, refund please ({tag()})"
    page.get_by_test_id("owner-note").fill(note)
    page.get_by_test_id("owner-hand").click()
    expect(page.get_by_test_id("owner-name")).to_have_text("Alex Agent")
    entry = page.get_by_test_id("message").last
    expect(entry.get_by_test_id("message-text")).to_have_text(note)
    expect(entry.get_by_test_id("handover-to")).to_have_text("→ Alex Agent")
    expect(entry.get_by_test_id("message-author")).to_have_text("Marta Admin")  # a name, not an address


def test_two_agents_see_each_other_and_the_second_sender_is_warned(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    email = f"both-{tag()}@example.com"
    number = new_thread(stack, email=email, text="Can I change my address?")
    alex = open_thread(open_page(), stack, number, "agent")
    marta = open_thread(open_page(), stack, number, "admin")
    alex.get_by_test_id("reply-text").fill("Yes, what is the new address?")
    expect(marta.get_by_test_id("presence-entry")).to_have_text("Alex Agent is writing a reply", timeout=POLL)
    marta.get_by_test_id("reply-text").fill("Sure, send it to us.")
    marta.get_by_test_id("reply-after").select_option("open")
    marta.get_by_test_id("reply-send").click()
    expect(marta.get_by_test_id("thread-flash")).to_have_text("Reply sent. The thread stays open.")
    alex.get_by_test_id("reply-send").click()
    warning = alex.get_by_test_id("reply-outdated")
    expect(warning).to_be_visible()
    expect(warning.get_by_test_id("outdated-message")).to_contain_text("Sure, send it to us.")
    expect(alex.get_by_test_id("reply-text")).to_have_value("Yes, what is the new address?")  # nothing typed is lost
    warning.get_by_test_id("reply-send-anyway").click()
    expect(alex.get_by_test_id("thread-flash")).to_have_text("Reply sent. The thread is marked as handled.")


def test_a_customers_new_message_appears_while_the_agent_types(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    email = f"typing-{tag()}@example.com"
    number = new_thread(stack, email=email, text="First question")
    page = open_thread(open_page(), stack, number, "agent")
    box = page.get_by_test_id("reply-text")
    box.click()
    box.fill("Half of my answer")
    assert new_thread(stack, email=email, text="And a second one") == number  # the same open thread continues
    expect(page.get_by_test_id("message")).to_have_count(2, timeout=POLL)
    expect(page.get_by_test_id("message").last.get_by_test_id("message-text")).to_have_text("And a second one")
    expect(box).to_have_value("Half of my answer")
    expect(box).to_be_focused()
