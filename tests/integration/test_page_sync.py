"""The mailbox sync from the agents' page: Run sync with its live result, an answer by e-mail that
the sync imports showing up in its thread, Test connection."""

from __future__ import annotations

import imaplib
import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.integration.browser import Tab
from tests.integration.page_helpers import new_thread, row, sent_mail, signed_in, tag

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def deliver(stack: dict[str, Any], message: EmailMessage) -> None:
    """Puts a customer's e-mail into the shop's mailbox (pymap), as their mail server would."""
    imap = stack["imap"]
    client = imaplib.IMAP4(imap["host"], imap["port"])
    try:
        client.login(imap["user"], imap["password"])
        client.append("INBOX", "", imaplib.Time2Internaldate(time.time()), message.as_bytes())
    finally:
        client.logout()


def test_run_sync_shows_its_live_result_and_an_answer_by_email_lands_in_the_thread(
    stack: dict[str, Any], open_page: Callable[..., Tab]
) -> None:
    email = f"sync-{tag()}@example.com"
    number = new_thread(stack, email=email, text="Do you ship to Poland?")
    tab = open_page()
    page = signed_in(tab, stack, "admin")
    row(page, number).get_by_test_id("thread-link").click()
    page.get_by_test_id("reply-text").fill("Yes, we do.")
    page.get_by_test_id("reply-send").click()
    expect(page.get_by_test_id("thread-status")).to_have_text("Handled")
    ours = next(m for m in sent_mail(stack) if email in m.get("to", []))

    answer = EmailMessage()
    answer["From"] = email
    answer["To"] = stack["imap"]["user"]
    answer["Subject"] = "Re: " + ours["subject"]
    answer.set_content("Great, thanks!\n\n> Yes, we do.")
    deliver(stack, answer)

    page.get_by_test_id("back-to-list").click()
    page.get_by_test_id("run-sync").click()
    expect(page.get_by_test_id("sync-message")).to_have_text("Sync finished.", timeout=60_000)
    expect(page.get_by_test_id("sync-state")).to_have_text("Succeeded")
    expect(page.get_by_test_id("sync-imported").locator("dd")).not_to_have_text("0")
    expect(row(page, number).get_by_test_id("thread-status")).to_have_text("Open")

    row(page, number).get_by_test_id("thread-link").click()
    last = page.get_by_test_id("message").last
    expect(last.get_by_test_id("message-text")).to_have_text("Great, thanks!")
    expect(last.get_by_test_id("message-source")).to_have_text("E-mail")
    assert tab.problems() == []


def test_test_connection_reports_the_mailbox_answer(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    tab = open_page()
    page = signed_in(tab, stack, "admin")
    page.get_by_test_id("test-connection").click()
    expect(page.get_by_test_id("test-connection-result")).to_have_text("Connection successful.")
    assert tab.problems() == []
