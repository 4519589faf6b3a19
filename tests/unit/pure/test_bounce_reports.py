"""What a delivery report says about the reply it bounces (status code, the server's words, the
recipient), read from real servers' reports; and one SES destination per recipient. Pure: no AWS."""

from __future__ import annotations

from pathlib import Path

import pytest
from shopdesk.mail import parse
from shopdesk.mail.send import destinations

ROOT = Path(__file__).resolve().parents[3]
CORPUS = next((p / "shared" / "mail-corpus" for p in ROOT.parents if (p / "shared" / "mail-corpus").is_dir()), ROOT.parent / "shared" / "mail-corpus")


@pytest.mark.parametrize(
    ("name", "status", "diagnostic", "recipient"),
    [
        ("dsn-aol-mailbox-full-01.eml", "5.2.2", "552 5.2.2 E4.12 user MAILBOX FULL", "user@aol.com"),
        ("dsn-sendmail-01.eml", "5.3.0", "553 5.3.0 <edwin@zzzzzzz.com>... Unknown E-Mail Address", "edwin@zzzzzzz.com"),
        ("dsn-office365-02.eml", "5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient noname@example.com not found by SMTP address lookup", "noname@example.com"),
        ("dsn-multiple-status-01.eml", "5.3.0", None, "u@ci.com"),
    ],
)
def test_a_reports_status_diagnostic_and_recipient_are_read_from_its_delivery_status_part(name: str, status: str, diagnostic: str | None, recipient: str) -> None:
    parsed = parse.parse((CORPUS / name).read_bytes())
    assert parsed.kind == "bounce" and parsed.report is not None
    assert (parsed.report.status, parsed.report.diagnostic, parsed.report.recipient) == (status, diagnostic, recipient)


def test_a_plain_text_bounce_gives_the_status_and_the_servers_line() -> None:
    raw = (
        b"From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\r\nTo: support@shop.example\r\n"
        b"Subject: Delivery Status Notification (Failure)\r\nMessage-ID: <b1@google.example>\r\n\r\n"
        b"Your message wasn't delivered to bob@example.org because the address couldn't be found.\r\n\r\n"
        b"The response from the remote server was:\r\n550 5.1.1 The email account that you tried to reach does not exist.\r\n"
    )
    parsed = parse.parse(raw)
    assert parsed.kind == "bounce" and parsed.report is not None
    assert (parsed.report.status, parsed.report.diagnostic) == ("5.1.1", "550 5.1.1 The email account that you tried to reach does not exist.")


@pytest.mark.parametrize(
    "sender",
    [
        b'"Mail Delivery System" <bounces+srs=x1@mx.example.net>',  # known by its quoted name only
        b"=?utf-8?q?Mail_Delivery_Subsystem?= <daemon@mx.example.net>",  # the name RFC 2047-encoded
        b"MAILER-DAEMON (Mail Delivery System)",  # Postfix's local form, no domain
    ],
)
def test_a_bounce_is_known_by_its_senders_name_whatever_form_the_from_line_takes(sender: bytes) -> None:
    raw = (
        b"From: " + sender + b"\r\nTo: support@shop.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        b"Message-ID: <b2@mx.example.net>\r\n\r\nI'm sorry to have to inform you that your message could not\r\n"
        b"be delivered to one or more recipients.\r\n\r\n<bob@example.org>: host said: 550 5.1.1 User unknown\r\n"
    )
    assert parse.parse(raw).kind == "bounce"


def test_each_recipient_is_one_ses_destination() -> None:
    assert destinations(["Ann <ann@example.com>", "ANN@example.com", "ann@example.com", "bea@example.com"]) == ["ann@example.com", "bea@example.com"]
