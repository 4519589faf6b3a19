"""SES receiving, played by the local stack's SMTP port (issue 15): a mail sent with any mail client
is stored in S3 and handed to the inbound function, and shows up in its thread on the page."""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.integration.browser import Tab
from tests.integration.conftest import sign_in
from tests.integration.page_helpers import api, signed_in, tag

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def test_a_mail_sent_to_the_smtp_port_shows_up_in_its_thread(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    email = f"smtp-{tag()}@example.com"
    message = EmailMessage()
    message["From"] = f"Cleo <{email}>"
    message["To"] = "support@shop.example"
    message["Subject"] = "Do you gift-wrap?"
    message.set_content("Could you gift-wrap my order, please?")
    tab = open_page()
    page = signed_in(tab, stack, "admin")

    with smtplib.SMTP(stack["smtp"]["host"], stack["smtp"]["port"], timeout=10) as smtp:
        refused = smtp.send_message(message)
    assert refused == {}  # accepted: 250

    token, deadline = sign_in(stack, "admin"), time.monotonic() + 30
    while not api(stack, token, "GET", f"/v1/threads?q={email}").json().get("threads") and time.monotonic() < deadline:
        time.sleep(0.2)  # SES hands the mail over asynchronously, as here
    page.reload()
    row = page.get_by_test_id("thread-row").filter(has_text=email)
    expect(row).to_have_count(1)
    row.get_by_test_id("thread-link").click()
    last = page.get_by_test_id("message").last
    expect(last.get_by_test_id("message-text")).to_have_text("Could you gift-wrap my order, please?")
    expect(last.get_by_test_id("message-source")).to_have_text("E-mail")
    assert tab.problems() == []
