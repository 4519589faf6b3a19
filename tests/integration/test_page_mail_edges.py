"""Mail that came in, as an agent reads it in Debian's Chromium against the local stack: the
customer's own words apart from a forwarded mail, their name from the From line, the original
e-mail downloaded as it arrived, and a bounce of our reply shown with what the server said."""

from __future__ import annotations

import imaplib
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.integration.browser import Tab
from tests.integration.page_helpers import api, signed_in, tag
from tests.integration.test_page_sync import deliver

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def run_sync(page: Page) -> None:
    page.get_by_test_id("run-sync").click()
    expect(page.get_by_test_id("sync-message")).to_have_text("Sync finished.", timeout=60_000)


def deliver_raw(stack: dict[str, Any], raw: bytes) -> None:
    imap = stack["imap"]
    client = imaplib.IMAP4(imap["host"], imap["port"])
    try:
        client.login(imap["user"], imap["password"])
        client.append("INBOX", "", imaplib.Time2Internaldate(time.time()), raw)
    finally:
        client.logout()


def delivery_report_bytes(stack: dict[str, Any], about: str, *, delayed: bool = False) -> bytes:
    """A Postfix DSN (RFC 3464) returning our reply: the customer's mailbox does not exist; or,
    `delayed`, a warning that the customer's mailbox is full and the server keeps trying."""
    action, status, said = ("delayed", "4.2.2", "452 4.2.2 <joerg@example.de>: Mailbox full") if delayed else ("failed", "5.1.1", "550 5.1.1 <joerg@example.de>: Recipient address rejected: User unknown")
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.de>\r\n"
        f"To: {stack['imap']['user']}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: <dsn-{tag()}@mx.example.de>\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered to one or more recipients.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.example.de\r\n\r\nFinal-Recipient: rfc822; joerg@example.de\r\nAction: {action}\r\nStatus: {status}\r\n"
        f"Diagnostic-Code: smtp; {said}\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"To: joerg@example.de\r\nSubject: Re: Rechnung\r\nMessage-ID: {about}\r\n"
        "--B--\r\n"
    ).encode()


def test_a_forwarded_mail_shows_the_customers_words_downloads_whole_and_a_bounce_says_why(
    stack: dict[str, Any], open_page: Callable[..., Tab], admin_token: str, tmp_path: Path
) -> None:
    mark = tag()
    mail = EmailMessage()
    mail["From"] = f"=?utf-8?q?J=C3=B6rg_M=C3=BCller?= <joerg-{mark}@example.de>"
    mail["To"] = stack["imap"]["user"]
    mail["Subject"] = f"WG: Rechnung {mark}"
    mail.set_content(
        "Bitte prüfen Sie die Rechnung, der Betrag stimmt nicht.\n\nGrüße\nJörg\n\n"
        "----- Original Nachricht ----\nVon: Buchhaltung <rechnung@shop.example>\nAn: joerg@example.de\n"
        f"Betreff: Rechnung {mark}\n\nIhre Rechnung über 49,00 EUR."
    )
    deliver(stack, mail)
    tab = open_page()
    page = signed_in(tab, stack, "admin")
    run_sync(page)

    page.get_by_test_id("nav-mail-log").click()
    page.get_by_test_id("mail-log-entry").filter(has_text=f"Rechnung {mark}").get_by_test_id("mail-log-thread").click()
    message = page.get_by_test_id("message").last
    expect(message.get_by_test_id("message-author")).to_have_text("Jörg Müller")
    expect(message.get_by_test_id("message-text")).to_have_text("Bitte prüfen Sie die Rechnung, der Betrag stimmt nicht.\n\nGrüße\nJörg")
    with page.expect_download() as download:
        message.get_by_test_id("download-original").click()
    assert download.value.suggested_filename.endswith(".eml")
    original = Path(download.value.path()).read_bytes()
    assert f"Rechnung {mark}".encode() in original and b"Original Nachricht" in original
    number = int(page.get_by_test_id("thread-title").inner_text().rsplit("#", 1)[1])

    page.get_by_test_id("reply-text").fill("Wir prüfen die Rechnung.")
    page.get_by_test_id("reply-send").click()
    reply = page.get_by_test_id("message").last
    expect(reply.get_by_test_id("delivery-state")).to_have_text("Sent")
    detail = api(stack, admin_token, "GET", f"/v1/threads/{number}").json()
    ses_id = next(m for m in detail["messages"] if m["author"] == "agent")["delivery"]["message_id"]

    # a delay warning is not a bounce: the reply shows it is still being retried
    deliver_raw(stack, delivery_report_bytes(stack, f"<{ses_id}@email.amazonses.com>", delayed=True))
    page.get_by_test_id("back-to-list").click()
    run_sync(page)
    page.goto(f"{stack['url']}#/threads/{number}")
    reply = page.get_by_test_id("message").filter(has_text="Wir prüfen die Rechnung.")
    expect(reply.get_by_test_id("delivery-state")).to_have_text("Delayed, still being retried: 4.2.2 452 4.2.2 <joerg@example.de>: Mailbox full")

    # a later real failure still marks it bounced
    deliver_raw(stack, delivery_report_bytes(stack, f"<{ses_id}@email.amazonses.com>"))
    page.get_by_test_id("back-to-list").click()
    run_sync(page)
    page.goto(f"{stack['url']}#/threads/{number}")
    reply = page.get_by_test_id("message").filter(has_text="Wir prüfen die Rechnung.")
    expect(reply.get_by_test_id("delivery-state")).to_have_text(
        "Not delivered: 5.1.1 550 5.1.1 <joerg@example.de>: Recipient address rejected: User unknown"
    )
    expect(page.get_by_test_id("message").filter(has_text="could not be delivered")).to_have_count(0)  # not a customer message
    after = api(stack, admin_token, "GET", f"/v1/threads/{number}").json()
    assert next(m for m in after["messages"] if m["author"] == "agent")["delivery"]["message_id"] == ses_id
    assert tab.problems() == []
