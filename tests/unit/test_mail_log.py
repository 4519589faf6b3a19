"""The mail log agents read: every mail's outcome, newest first, one outcome or all, one Query a
page; the last run that did something stays visible; admins import a set-aside mail again, as it
was or as a new conversation.

A mailbox in memory (tests/unit/test_mail_sync_isolation.py) over in-process moto, through the
agents' handler."""

from __future__ import annotations

from typing import Any

import pytest
from agents_api import ADMIN, AGENT, call, customer_writes
from shopdesk.admin.contacts import all_contacts
from shopdesk.mail import sync as mail_sync_run
from shopdesk.store import mail_sync, threads
from shopdesk.store.models import ImapSettings, MailId, SyncStatusItem
from shopdesk.store.settings import load_settings

from tests.in_process_aws import count_dynamodb_requests
from tests.unit.test_mail_sync_isolation import MemoryMailbox, customer_mail, sync


@pytest.fixture
def mailbox(aws: Any) -> type[MemoryMailbox]:
    settings = load_settings()
    settings.imap = ImapSettings(host="imap.shop.example", port=993, user="support", security="tls", folder="INBOX")
    settings.save()
    MemoryMailbox.mails, MemoryMailbox.seen = [], set()
    return MemoryMailbox


def delivery_report(about: str, status: str = "5.1.1", diagnostic: str = "smtp; 550 5.1.1 <ann@example.com>: user unknown") -> bytes:
    """A mail server's DSN (RFC 3464) about a reply we sent, as Postfix writes one."""
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r\n"
        "To: support@shop.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <dsn-1@mx.example.com>\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.example.com\r\n\r\nFinal-Recipient: rfc822; ann@example.com\r\nAction: failed\r\nStatus: {status}\r\nDiagnostic-Code: {diagnostic}\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: support@shop.example\r\nTo: ann@example.com\r\nSubject: Re: My order\r\nMessage-ID: {about}\r\n"
        "--B--\r\n"
    ).encode()


def log(query: str = "", claims: dict[str, Any] = AGENT) -> dict[str, Any]:
    status, body = call("GET", "/v1/mail-log", claims, query=query)
    assert status == 200, body
    return body


def test_every_mail_of_a_run_is_in_the_log_newest_first_with_what_became_of_it(mailbox: type[MemoryMailbox], monkeypatch: pytest.MonkeyPatch) -> None:
    real = threads.store_customer_message

    def failing(contact: Any, incoming: threads.CustomerMessage, **kwargs: Any) -> Any:
        if incoming.mail_message_id == "broken@example.com":
            raise KeyError("the message's contact vanished")
        return real(contact, incoming, **kwargs)

    monkeypatch.setattr(threads, "store_customer_message", failing)
    mailbox.mails = [
        customer_mail("<question@example.com>", subject="Parcel late"),
        customer_mail("<holiday@example.com>", "I am away until Monday.", sender="Bea <bea@example.com>", subject="Out of office", auto_submitted="auto-replied"),
        customer_mail("<broken@example.com>", sender="Cy <cy@example.com>", subject="Refund please"),
    ]

    sync()

    entries = log()["entries"]
    assert [(e["id"], e["outcome"]) for e in entries] == [("broken@example.com", "failed"), ("holiday@example.com", "skipped"), ("question@example.com", "imported")]
    failed, skipped, imported = entries
    assert (imported["sender"], imported["subject"], imported["reason"]) == ("ann@example.com", "Parcel late", "new_thread")
    assert threads.get_thread(imported["thread_number"]).email == "ann@example.com"
    assert (skipped["reason"], skipped["thread_number"]) == ("auto_submitted", None)
    assert failed["set_aside"] == "7.3" and "KeyError" in failed["error"] and failed["subject"] == "Refund please"
    assert failed["size"] == len(mailbox.mails[2])
    assert [e["id"] for e in log("outcome=failed")["entries"]] == ["broken@example.com"]  # one outcome: its own list
    assert log("outcome=imported")["entries"] == [imported]


def test_a_bounce_names_the_reply_it_is_about(mailbox: type[MemoryMailbox]) -> None:
    all_contacts()
    number = customer_writes(email="ann@example.com").thread.number
    assert call("POST", f"/v1/threads/{number}/replies", body={"text": "It ships today."})[0] == 201
    sent = next(m for m in MailId.scan() if int(m.thread_number) == number)  # a test may scan; the product never does
    mailbox.mails = [delivery_report("<" + sent.pk.removeprefix("MAILID#") + ">")]

    sync()

    [entry] = log("outcome=bounced")["entries"]
    assert entry["thread_number"] == number
    reply = next(m for m in call("GET", f"/v1/threads/{number}")[1]["messages"] if m["author"] == "agent")
    assert entry["reply"] == reply["id"]


def test_a_page_of_the_log_is_one_query_and_the_cursor_leads_to_the_next(mailbox: type[MemoryMailbox], monkeypatch: pytest.MonkeyPatch) -> None:
    mailbox.mails = [customer_mail(f"<m{i}@example.com>", sender=f"c{i}@example.com") for i in range(5)]
    sync()
    requests = count_dynamodb_requests(monkeypatch)

    first = log("limit=2")
    second = log(f"limit=2&cursor={first['next_cursor']}")
    third = log(f"limit=2&cursor={second['next_cursor']}")

    assert requests == ["Query", "Query", "Query"]
    assert [e["id"] for page in (first, second, third) for e in page["entries"]] == [f"m{i}@example.com" for i in (4, 3, 2, 1, 0)]
    assert third["next_cursor"] is None


def test_a_filter_or_cursor_the_log_does_not_know_is_refused(aws: Any) -> None:
    assert call("GET", "/v1/mail-log", query="outcome=lost")[1]["error"]["code"] == "invalid_outcome"
    assert call("GET", "/v1/mail-log", query="limit=1000")[1]["error"]["code"] == "invalid_limit"
    assert call("GET", "/v1/mail-log", query="cursor=bm90LWEta2V5")[1]["error"]["code"] == "invalid_cursor"
    assert call("GET", "/v1/mail-log", None)[0] == 401


def test_a_run_that_finds_nothing_keeps_the_figures_of_the_last_run_that_did_something(mailbox: type[MemoryMailbox]) -> None:
    mailbox.mails = [customer_mail("<a@example.com>"), customer_mail("<b@example.com>", sender="nobody")]
    sync()
    before = call("GET", "/v1/sync")[1]

    sync()  # the minute timer: nothing new

    after = call("GET", "/v1/sync")[1]
    assert (after["imported"], after["failed"], after["last_run_at"], after["errors"]) == (1, 1, before["last_run_at"], before["errors"])
    assert after["state"] == "ok" and after["checked_at"] > before["checked_at"]


def test_a_run_with_nothing_new_costs_four_requests(mailbox: type[MemoryMailbox], monkeypatch: pytest.MonkeyPatch) -> None:
    mailbox.mails = [customer_mail("<a@example.com>")]
    sync()
    requests = count_dynamodb_requests(monkeypatch)
    sync()
    # pattern 56, per mailbox: the migration marker, the mailboxes (Query), the mailbox's lease taken
    # (its answer is the mailbox: no GetItem), the lease given back with the quiet run's check time
    assert requests == ["GetItem", "Query", "UpdateItem", "UpdateItem"]


def _set_aside_one(mailbox: type[MemoryMailbox], monkeypatch: pytest.MonkeyPatch, **mail: Any) -> str:
    """Runs a sync in which the store fails for this one mail (as a bug would), then heals."""
    real = threads.store_customer_message

    def failing(contact: Any, incoming: threads.CustomerMessage, **kwargs: Any) -> Any:
        if incoming.mail_message_id == "again@example.com":
            raise RuntimeError("a bug, since fixed")
        return real(contact, incoming, **kwargs)

    monkeypatch.setattr(threads, "store_customer_message", failing)
    mailbox.mails = [customer_mail("<again@example.com>", "Can I change the size?", **mail)]
    sync()
    monkeypatch.setattr(threads, "store_customer_message", real)
    [entry] = log("outcome=failed")["entries"]
    return entry["set_aside"]


def test_an_admin_retries_a_set_aside_mail_and_it_is_imported(mailbox: type[MemoryMailbox], monkeypatch: pytest.MonkeyPatch) -> None:
    name = _set_aside_one(mailbox, monkeypatch)
    assert call("POST", f"/v1/mail-log/set-aside/{name}", AGENT, body={})[0] == 403

    status, entry = call("POST", f"/v1/mail-log/set-aside/{name}", ADMIN, body={})

    assert status == 200, entry
    assert (entry["outcome"], entry["id"], entry["set_aside"]) == ("imported", "again@example.com", None)
    assert threads.get_thread(entry["thread_number"]).email == "ann@example.com"
    assert mail_sync.failures() == [] and log("outcome=failed")["entries"] == []
    assert call("POST", f"/v1/mail-log/set-aside/{name}", ADMIN, body={})[1]["error"]["code"] == "mail_not_set_aside"
    assert sync().imported == 0  # imported once, never again


def test_a_retry_follows_the_rules_of_the_day_where_the_shop_makes_no_thread_from_mail(mailbox: type[MemoryMailbox], monkeypatch: pytest.MonkeyPatch) -> None:
    name = _set_aside_one(mailbox, monkeypatch)
    settings = load_settings()
    settings.imap.create_new_threads = False  # the admin turned new threads from mail off since
    settings.save()

    status, entry = call("POST", f"/v1/mail-log/set-aside/{name}", ADMIN, body={"as_new_thread": False})

    assert (status, entry["outcome"], entry["reason"]) == (200, "skipped", "unmatched")
    assert mail_sync.failures() == []


def test_import_as_new_thread_starts_a_conversation_the_rules_would_not(mailbox: type[MemoryMailbox], monkeypatch: pytest.MonkeyPatch) -> None:
    name = _set_aside_one(mailbox, monkeypatch)
    settings = load_settings()
    settings.imap.create_new_threads = False  # the admin turned new threads from mail off since
    settings.save()

    status, entry = call("POST", f"/v1/mail-log/set-aside/{name}", ADMIN, body={"as_new_thread": True})

    assert status == 200, entry
    assert (entry["outcome"], entry["reason"]) == ("imported", "new_thread")
    assert threads.get_thread(entry["thread_number"]).email == "ann@example.com"


def test_a_set_aside_mail_that_fails_again_stays_set_aside_with_the_new_error(mailbox: type[MemoryMailbox], monkeypatch: pytest.MonkeyPatch) -> None:
    name = _set_aside_one(mailbox, monkeypatch)

    def still_broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("still broken")

    monkeypatch.setattr(threads, "store_customer_message", still_broken)
    status, body = call("POST", f"/v1/mail-log/set-aside/{name}", ADMIN, body={})

    assert (status, body["error"]["code"]) == (422, "mail_still_failing")
    assert "still broken" in body["error"]["message"]
    [entry] = log("outcome=failed")["entries"]
    assert entry["set_aside"] == name and "still broken" in entry["error"]
    assert "still broken" in mail_sync.failures()[0].error


def test_a_set_aside_name_that_is_not_one_is_not_found(aws: Any) -> None:
    for name in ("7.999", "FAILED%237%231", "x.y", "1.2.3"):
        assert call("POST", f"/v1/mail-log/set-aside/{name}", ADMIN, body={})[0] == 404
    assert call("POST", "/v1/mail-log/set-aside/7.1", ADMIN, body={"as_new_thread": "yes"})[0] == 422  # strict: a boolean


def test_the_status_item_keeps_the_figures_apart_from_when_it_last_looked(aws: Any) -> None:
    mail_sync.write_status("ok", "2026-01-01T00:00:00.000000+00:00", {"imported": 2}, [])
    mail_sync.write_quiet_run("2026-01-01T00:01:00.000000+00:00")
    item = SyncStatusItem.get(*SyncStatusItem.key())
    assert (int(item.imported), item.last_run_at, item.checked_at) == (2, "2026-01-01T00:00:00.000000+00:00", "2026-01-01T00:01:00.000000+00:00")
    assert mail_sync_run.sync_status()["checked_at"] == "2026-01-01T00:01:00.000000+00:00"


# --- thread numbers: a failed run uses none ---------------------------------------------------------


def counter() -> int:
    from shopdesk.store.models import Counter

    try:
        return int(Counter.get(*Counter.thread_number_key()).value)
    except Counter.DoesNotExist:
        return 0


def test_a_run_stopped_by_aws_uses_no_thread_number(mailbox: type[MemoryMailbox], monkeypatch: pytest.MonkeyPatch) -> None:
    from shopdesk.store.conditions import TransactWriteError

    all_contacts()
    customer_writes(email="first@example.com")
    before = counter()
    real = threads.store_customer_message

    def throttled(*args: Any, **kwargs: Any) -> Any:
        raise TransactWriteError("Failed to write transaction items: ProvisionedThroughputExceededException")

    monkeypatch.setattr(threads, "store_customer_message", throttled)
    mailbox.mails = [customer_mail(f"<n{i}@example.com>", sender=f"n{i}@example.com") for i in range(3)]

    assert sync().state == "failed"
    assert counter() == before

    monkeypatch.setattr(threads, "store_customer_message", real)
    sync()
    assert sorted(e["thread_number"] for e in log("outcome=imported")["entries"]) == [before + 1, before + 2, before + 3]


def test_a_mail_set_aside_among_new_conversations_leaves_no_gap_in_the_numbers(mailbox: type[MemoryMailbox], monkeypatch: pytest.MonkeyPatch) -> None:
    real = threads.store_customer_message

    def failing(contact: Any, incoming: threads.CustomerMessage, **kwargs: Any) -> Any:
        if incoming.mail_message_id == "n1@example.com":
            raise RuntimeError("this one mail's bug")
        return real(contact, incoming, **kwargs)

    monkeypatch.setattr(threads, "store_customer_message", failing)
    mailbox.mails = [customer_mail(f"<n{i}@example.com>", sender=f"n{i}@example.com") for i in range(4)]

    result = sync()

    assert (result.imported, result.failed) == (3, 1)
    assert sorted(e["thread_number"] for e in log("outcome=imported")["entries"]) == [1, 2, 3] and counter() == 3


def test_a_bounce_keeps_the_replys_ses_id_and_shows_the_reports_status_and_diagnostic(mailbox: type[MemoryMailbox]) -> None:
    all_contacts()
    number = customer_writes(email="ann@example.com").thread.number
    assert call("POST", f"/v1/threads/{number}/replies", body={"text": "It ships today."})[0] == 201
    before = next(m for m in call("GET", f"/v1/threads/{number}")[1]["messages"] if m["author"] == "agent")["delivery"]
    sent = next(m for m in MailId.scan() if int(m.thread_number) == number)
    mailbox.mails = [delivery_report("<" + sent.pk.removeprefix("MAILID#") + ">", "5.1.1", "smtp; 550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown")]

    sync()

    messages = call("GET", f"/v1/threads/{number}")[1]["messages"]
    [reply] = [m for m in messages if m["author"] == "agent"]
    delivery = reply["delivery"]
    assert delivery["state"] == "bounced"
    assert (delivery["message_id"], delivery["at"]) == (before["message_id"], before["at"]) and delivery["message_id"]  # SES's id stays
    assert (delivery["status"], delivery["recipient"]) == ("5.1.1", "ann@example.com")
    assert delivery["diagnostic"] == "550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown"
    assert delivery["bounced_at"] and delivery["error"] == "Undelivered Mail Returned to Sender"
    assert not [m for m in messages if m["author"] == "customer" and "could not be delivered" in m["text"]]  # not a customer message
    assert mail_sync_run.sync_status()["bounced"] == 1 and mail_sync_run.sync_status()["unknown_reports"] == 0


def test_a_delivery_report_about_mail_we_never_sent_is_its_own_count_and_log_reason(mailbox: type[MemoryMailbox]) -> None:
    mailbox.mails = [delivery_report("<never-ours@elsewhere.example>")]

    sync()

    [entry] = log("outcome=bounced")["entries"]
    assert (entry["reason"], entry["thread_number"], entry["reply"]) == ("unknown_message", None, None)
    status = mail_sync_run.sync_status()
    assert (status["bounced"], status["unknown_reports"]) == (0, 1)
