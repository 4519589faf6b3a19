"""The mail log in Debian's Chromium against the local stack: every mail the sync handled, what
became of it, for agents as for admins; a set-aside mail an admin tries again from its row."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.integration.browser import Tab
from tests.integration.page_helpers import signed_in, tag
from tests.integration.test_page_sync import deliver

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def mail(stack: dict[str, Any], subject: str, text: str, sender: str | None) -> EmailMessage:
    message = EmailMessage()
    if sender:
        message["From"] = sender
    message["To"] = stack["imap"]["user"]
    message["Subject"] = subject
    message.set_content(text)
    return message


def test_agents_read_what_the_sync_did_with_each_mail_and_an_admin_tries_a_set_aside_one_again(
    stack: dict[str, Any], open_page: Callable[..., Tab]
) -> None:
    mark = tag()
    deliver(stack, mail(stack, f"Parcel {mark}", "My parcel has not arrived yet.", f"Marta Nowak <marta-{mark}@example.com>"))
    deliver(stack, mail(stack, f"Nobody {mark}", "A mail with no sender at all.", None))
    tab = open_page()
    page = signed_in(tab, stack, "admin")
    page.get_by_test_id("run-sync").click()
    expect(page.get_by_test_id("sync-message")).to_have_text("Sync finished.", timeout=60_000)

    page.get_by_test_id("nav-mail-log").click()
    imported = page.get_by_test_id("mail-log-entry").filter(has_text=f"Parcel {mark}")
    expect(imported.get_by_test_id("mail-log-outcome-label")).to_have_text("Imported")
    expect(imported.get_by_test_id("mail-log-sender")).to_have_text(f"marta-{mark}@example.com")
    imported.get_by_test_id("mail-log-thread").click()
    expect(page.get_by_test_id("message").last.get_by_test_id("message-text")).to_have_text("My parcel has not arrived yet.")

    page.get_by_test_id("nav-mail-log").click()
    page.get_by_test_id("mail-log-outcome").select_option("failed")
    aside = page.get_by_test_id("mail-log-entry").filter(has_text=f"Nobody {mark}")
    expect(aside.get_by_test_id("mail-log-outcome-label")).to_have_text("Set aside")
    expect(aside.get_by_test_id("mail-log-detail")).to_contain_text("no sender")
    expect(page.get_by_test_id("mail-log-entry").filter(has_text=f"Parcel {mark}")).to_have_count(0)
    aside.get_by_test_id("mail-log-retry").click()
    expect(aside.get_by_test_id("mail-log-action-status")).to_contain_text("could not be imported again")
    assert tab.problems(r"status of 422") == []

    agent_tab = open_page()
    agent = signed_in(agent_tab, stack, "agent", "#/mail-log")
    entry = agent.get_by_test_id("mail-log-entry").filter(has_text=f"Nobody {mark}")
    expect(entry.get_by_test_id("mail-log-detail")).to_contain_text("no sender")
    expect(entry.get_by_test_id("mail-log-retry")).to_have_count(0)  # admins only
    expect(agent.get_by_test_id("mail-log-sync-state")).to_have_text("Succeeded")
    assert agent_tab.problems() == []
