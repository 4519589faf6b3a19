"""A delay warning is not a bounce: a delivery report whose Action is "delayed" (status
4.x.x, the receiving side is still retrying) shows on our reply as "delayed", never as bounced; a
later real failure still marks the reply bounced, and a late delay never hides a bounce."""

from __future__ import annotations

from email import message_from_bytes
from typing import Any

import pytest
from agents_api import call, customer_writes
from shopdesk.admin.contacts import all_contacts
from shopdesk.mail import sync as mail_sync_run
from shopdesk.mail.classify import delivery_report as read_report
from shopdesk.store.models import MailId

from tests.in_process_aws import count_dynamodb_requests
from tests.unit.pure.test_mail_corpus import CORPUS
from tests.unit.test_mail_log import log
from tests.unit.test_mail_log import mailbox as memory_mailbox
from tests.unit.test_mail_sync_isolation import MemoryMailbox, sync


@pytest.fixture
def mailbox(aws: Any) -> type[MemoryMailbox]:
    return memory_mailbox.__wrapped__(aws)  # type: ignore[attr-defined]


def report(about: str, action: str, status: str, diagnostic: str, *, report_id: str) -> bytes:
    """A DSN (RFC 3464) about a reply we sent, as Sendmail writes a delay warning or a failure."""
    return (
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>\r\n"
        "To: support@shop.example\r\n"
        "Subject: Warning: could not send message for past 4 hours\r\n"
        f"Message-ID: <{report_id}@mx.example.com>\r\n"
        "Auto-Submitted: auto-generated (warning-timeout)\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\n** THIS IS A WARNING MESSAGE ONLY **\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.com\r\n\r\n"
        f"Final-Recipient: rfc822; ann@example.com\r\nAction: {action}\r\nStatus: {status}\r\nDiagnostic-Code: smtp; {diagnostic}\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: support@shop.example\r\nTo: ann@example.com\r\nSubject: Re: My order\r\nMessage-ID: {about}\r\n"
        "--B--\r\n"
    ).encode()


def delay(about: str, report_id: str = "delay-1") -> bytes:
    return report(about, "delayed", "4.2.2", "452 4.2.2 <ann@example.com>... Mailbox full", report_id=report_id)


def failure(about: str, report_id: str = "fail-1") -> bytes:
    return report(about, "failed", "5.2.2", "552 5.2.2 <ann@example.com>... Mailbox full", report_id=report_id)


def replied() -> tuple[int, str]:
    """A thread with one reply of ours, and that reply's Message-ID."""
    all_contacts()
    number = customer_writes(email="ann@example.com").thread.number
    assert call("POST", f"/v1/threads/{number}/replies", body={"text": "It ships today."})[0] == 201
    sent = next(m for m in MailId.scan() if int(m.thread_number) == number)
    return number, "<" + sent.pk.removeprefix("MAILID#") + ">"


def reply_delivery(number: int) -> dict[str, Any]:
    [reply] = [m for m in call("GET", f"/v1/threads/{number}")[1]["messages"] if m["author"] == "agent"]
    return reply["delivery"]


def test_a_delay_warning_shows_the_reply_as_delayed_not_bounced(mailbox: type[MemoryMailbox]) -> None:
    number, about = replied()
    sent = reply_delivery(number)
    mailbox.mails = [delay(about)]

    result = sync()

    delivery = reply_delivery(number)
    assert delivery["state"] == "delayed" and delivery["delayed_at"] and not delivery["bounced_at"]
    assert (delivery["status"], delivery["recipient"]) == ("4.2.2", "ann@example.com")
    assert delivery["diagnostic"] == "452 4.2.2 <ann@example.com>... Mailbox full"
    assert (delivery["message_id"], delivery["at"]) == (sent["message_id"], sent["at"])  # SES's id stays
    assert (result.bounced, result.skipped, result.unknown_reports) == (0, 1, 0)
    [entry] = log("outcome=skipped")["entries"]
    assert (entry["reason"], entry["thread_number"]) == ("delivery_delayed", number)
    assert mail_sync_run.sync_status()["bounced"] == 0


def test_a_failure_after_a_delay_still_marks_the_reply_bounced(mailbox: type[MemoryMailbox]) -> None:
    number, about = replied()
    mailbox.mails = [delay(about)]
    sync()
    mailbox.mails.append(failure(about))

    result = sync()

    delivery = reply_delivery(number)
    assert result.bounced == 1
    assert (delivery["state"], delivery["status"]) == ("bounced", "5.2.2") and delivery["bounced_at"]


def test_a_late_delay_warning_never_hides_a_bounce(mailbox: type[MemoryMailbox]) -> None:
    number, about = replied()
    mailbox.mails = [failure(about), delay(about)]

    result = sync()

    delivery = reply_delivery(number)
    assert (result.bounced, result.skipped) == (1, 1)
    assert (delivery["state"], delivery["status"]) == ("bounced", "5.2.2")
    assert {e["reason"] for e in log("outcome=skipped")["entries"]} == {"delivery_delayed"}  # still logged, once


def test_a_success_notice_is_neither_a_bounce_nor_a_delay(mailbox: type[MemoryMailbox]) -> None:
    number, about = replied()
    mailbox.mails = [report(about, "delivered", "2.0.0", "250 2.0.0 OK", report_id="ok-1")]

    result = sync()

    assert (result.bounced, result.skipped) == (0, 1) and reply_delivery(number)["state"] == "sent"
    assert log("outcome=skipped")["entries"][0]["reason"] == "delivery_notice"


def test_a_delay_costs_the_requests_a_bounce_costs(mailbox: type[MemoryMailbox], monkeypatch: pytest.MonkeyPatch) -> None:
    _, first = replied()
    _, second = replied()
    sync()  # the first run's one-time work (the migration marker) is not the reports'
    mailbox.mails = [failure(first)]
    bounce_requests = count_dynamodb_requests(monkeypatch)
    sync()
    bounced = list(bounce_requests)
    mailbox.mails.append(delay(second))
    bounce_requests.clear()

    sync()

    assert bounce_requests == bounced and bounced.count("TransactWriteItems") == 1


@pytest.mark.parametrize("name", ["dsn-sendmail-delayed-01.eml", "list-mailman-bounce-01.eml"])
def test_the_corpus_delay_warnings_read_as_delays(name: str) -> None:
    raw = (CORPUS / name).read_bytes()
    found = read_report(message_from_bytes(raw), raw.decode("latin-1"))
    assert found.delayed and (found.status or "").startswith("4.")
