"""Nothing lost, nothing stops: one mail's failure sets that mail aside and the run imports the
mails after it; only the mailbox or AWS as a whole stops a run, which the next one resumes.

A mailbox in memory (the IMAP conversation itself is tested against Dovecot and pymap in
tests/integration) over in-process moto, which enforces DynamoDB's 400 KB item limit."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import boto3
import pytest
from shopdesk.admin.contacts import all_contacts
from shopdesk.mail import importer
from shopdesk.mail import sync as mail_sync_run
from shopdesk.mail.imap import Envelope, MailboxSettings
from shopdesk.store import mail_sync, threads
from shopdesk.store.conditions import TransactWriteError
from shopdesk.store.models import ImapSettings, InboundRecord, Message
from shopdesk.store.settings import load_settings

from tests.in_process_aws import REGION

# A customer answering in Chinese at length, quoting the shop's question: 150,000 characters are
# 450 KB of UTF-8 (and the quote doubles the text), far past what one DynamoDB item holds.
LONG_ANSWER = "您好，关于我的订单，包裹还没有到。我已经等了三个星期，请帮我查一下物流信息。谢谢！\n" * 3750


class MemoryMailbox:
    """The few commands the sync sends, over a list of raw mails (UIDs from 1)."""

    mails: list[bytes] = []
    seen: set[int] = set()

    def __init__(self, settings: MailboxSettings) -> None:
        self.settings = settings
        self.uidvalidity = 7

    def connect(self) -> None:
        pass

    def select(self) -> tuple[int, int]:
        return self.uidvalidity, len(self.mails) + 1

    def status(self) -> tuple[int, int]:
        return self.select()

    def search_since(self, days: int) -> list[int]:
        return list(range(1, len(self.mails) + 1))

    def sizes(self, uids: Any) -> dict[int, Envelope]:
        wanted = range(int(uids.split(":")[0]), len(self.mails) + 1) if isinstance(uids, str) else uids
        return {uid: Envelope(len(self.mails[uid - 1])) for uid in wanted}

    def fetch_raw(self, uids: list[int]) -> dict[int, bytes]:
        return {uid: self.mails[uid - 1] for uid in uids}

    def mark_done(self, uids: list[int], delete: bool) -> None:
        MemoryMailbox.seen |= set(uids)

    def close(self) -> None:
        pass


def customer_mail(message_id: str, body: str = "Where is my parcel?", sender: str = "Ann <ann@example.com>", **headers: str) -> bytes:
    message = EmailMessage()
    if sender:
        message["From"] = sender
    message["To"] = "support@shop.example"
    message["Subject"] = headers.pop("subject", "My order")
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


@pytest.fixture
def mailbox(aws: Any) -> type[MemoryMailbox]:
    settings = load_settings()
    settings.imap = ImapSettings(host="imap.shop.example", port=993, user="support", security="tls", folder="INBOX")
    settings.save()
    MemoryMailbox.mails, MemoryMailbox.seen = [], set()
    return MemoryMailbox


def sync() -> mail_sync_run.RunResult:
    return mail_sync_run.run(lambda: 600_000, mailbox_factory=MemoryMailbox, contacts=all_contacts)


def stored(mail_id: str) -> list[Message]:
    return list(Message.scan(Message.mail_message_id == mail_id))  # a test may scan; the product never does


def s3_text(key: str) -> bytes:
    return boto3.client("s3", region_name=REGION).get_object(Bucket="shopdesk-attachments", Key=key)["Body"].read()


def test_a_huge_cjk_answer_between_two_ordinary_mails_imports_whole_and_the_others_import_in_the_same_run(mailbox: type[MemoryMailbox]) -> None:
    quoted = LONG_ANSWER + "\nOn Monday, Ann's shop wrote:\n" + "> " + LONG_ANSWER.replace("\n", "\n> ")
    huge = customer_mail("<huge@example.com>", quoted, sender="Li Wei <li.wei@example.cn>")
    assert len(quoted.encode("utf-8")) > 400_000 * 2
    mailbox.mails = [customer_mail("<before@example.com>"), huge, customer_mail("<after@example.com>", sender="Bea <bea@example.com>")]

    result = sync()

    assert (result.state, result.imported, result.failed) == ("ok", 3, 0)
    assert stored("before@example.com") and stored("after@example.com")
    [message] = stored("huge@example.com")
    assert len(message.text.encode("utf-8")) <= importer.TEXT_BYTES and message.text.endswith("[…]")
    assert message.text.startswith(LONG_ANSWER[:1000]) and "\ufffd" not in message.text  # cut between characters
    assert len((message.new_text or "").encode("utf-8")) <= importer.NEW_TEXT_BYTES
    assert s3_text(message.full_text.key).decode("utf-8") == quoted.strip("\n")  # the whole text, downloadable
    assert s3_text(message.original.key) == huge  # and the original .eml
    assert mailbox.seen == {1, 2, 3}


def test_a_mail_dynamodb_refuses_for_its_size_is_set_aside_visibly_and_the_next_mails_import(mailbox: type[MemoryMailbox], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "TEXT_BYTES", 500_000)  # as if the cut were missing: the item goes over 400 KB
    monkeypatch.setattr(importer, "NEW_TEXT_BYTES", 500_000)
    mailbox.mails = [customer_mail("<before@example.com>"), customer_mail("<huge@example.com>", LONG_ANSWER, subject="Gdzie paczka?"), customer_mail("<after@example.com>")]

    result = sync()
    again = sync()

    assert (result.state, result.imported, result.failed) == ("ok", 2, 1)
    assert (again.imported, again.failed) == (0, 0)  # the cursor moved on: never retried, never blocking
    [failure] = mail_sync.failures()
    assert (int(failure.uid), failure.sender, failure.subject) == (2, "ann@example.com", "Gdzie paczka?")
    assert int(failure.size) == len(mailbox.mails[1]) and "DynamoDB refused" in failure.error
    assert s3_text(failure.raw_key) == mailbox.mails[1]
    assert InboundRecord.get(*InboundRecord.key("huge@example.com")).outcome == "failed"
    assert result.errors[0]["code"] == "message_set_aside"


def test_an_unexpected_error_in_one_mail_sets_it_aside_and_the_run_goes_on(mailbox: type[MemoryMailbox], monkeypatch: pytest.MonkeyPatch) -> None:
    real = threads.store_customer_message

    def failing(contact: Any, incoming: threads.CustomerMessage, **kwargs: Any) -> Any:
        if incoming.mail_message_id == "odd@example.com":
            raise KeyError("something no one expected")
        return real(contact, incoming, **kwargs)

    monkeypatch.setattr(threads, "store_customer_message", failing)
    mailbox.mails = [customer_mail("<odd@example.com>"), customer_mail("<fine@example.com>")]

    result = sync()

    assert (result.state, result.imported, result.failed) == ("ok", 1, 1)
    assert "KeyError" in mail_sync.failures()[0].error


def test_throttling_stops_the_run_and_the_next_run_resumes_from_its_cursor(mailbox: type[MemoryMailbox], monkeypatch: pytest.MonkeyPatch) -> None:
    real = threads.store_customer_message
    calls = {"n": 0}

    def throttled(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise TransactWriteError("Failed to write transaction items: ProvisionedThroughputExceededException")
        return real(*args, **kwargs)

    monkeypatch.setattr(threads, "store_customer_message", throttled)
    mailbox.mails = [customer_mail(f"<t{i}@example.com>") for i in range(3)]

    broken = sync()
    healed = sync()

    assert (broken.state, broken.errors[-1]["code"], broken.failed) == ("failed", "aws_error", 0)
    assert (healed.state, healed.imported + broken.imported, healed.duplicates) == ("ok", 3, 1)
    assert mail_sync.failures() == []


def test_a_senderless_mail_is_set_aside_visibly_and_a_sender_is_recovered_before_that(mailbox: type[MemoryMailbox]) -> None:
    nobody = customer_mail("<nobody@example.com>", sender="undisclosed", subject="Who am I")
    root_dot = customer_mail("<dot@example.com>", sender="Ann <ann@example.com.>")
    second_from = customer_mail("<second@example.com>", sender="garbage")
    second_from = second_from.replace(b"From: garbage", b"From: garbage\nFrom: Bea <bea@example.com>")
    by_reply_to = customer_mail("<replyto@example.com>", sender="", reply_to="Cy <cy@example.com>")
    mailbox.mails = [nobody, root_dot, second_from, by_reply_to]

    result = sync()

    assert (result.imported, result.failed) == (3, 1)
    assert [f.subject for f in mail_sync.failures()] == ["Who am I"]
    emails = {m.mail_message_id: threads.get_thread(int(m.thread_number)).email for i in ("dot", "second", "replyto") for m in stored(f"{i}@example.com")}
    assert emails == {"dot@example.com": "ann@example.com", "second@example.com": "bea@example.com", "replyto@example.com": "cy@example.com"}


def test_a_different_mail_reusing_a_message_id_is_imported_and_the_same_mail_is_not(mailbox: type[MemoryMailbox]) -> None:
    first = customer_mail("<reused@example.com>", "My first question")
    mailbox.mails = [first]
    sync()
    mailbox.mails = [first, customer_mail("<reused@example.com>", "A different mail, the same Message-ID"), first]

    result = sync()
    everything = sync()

    assert (result.imported, result.duplicates) == (1, 1)
    assert everything.imported == 0
    assert sorted(m.text for m in stored("reused@example.com")) == ["A different mail, the same Message-ID", "My first question"]


def test_a_run_counts_what_it_imported_skipped_and_set_aside_and_how_long_it_took(mailbox: type[MemoryMailbox]) -> None:
    from shopdesk.core.observability import metrics

    metrics.clear_metrics()
    mailbox.mails = [customer_mail("<a@example.com>"), customer_mail("<b@example.com>", auto_submitted="auto-replied"), customer_mail("<c@example.com>", sender="nobody")]

    sync()

    counted = {name: value["Value"] for name, value in metrics.metric_set.items()}
    metrics.clear_metrics()
    assert (counted["MailsImported"], counted["MailsSkipped"], counted["MailsFailed"]) == ([1.0], [1.0], [1.0])
    assert "MailSyncDurationMs" in counted


# --- the originals, put ahead of their transactions ------------------------------------------------------


def test_each_original_is_in_the_bucket_before_the_transaction_naming_it_and_the_puts_run_ahead(mailbox: type[MemoryMailbox], monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    s3 = boto3.client("s3", region_name=REGION)
    real_store, real_keep = threads.store_customer_message, mail_sync.keep_original
    found_at_store: list[bool] = []
    putters: list[str] = []

    def storing(contact: Any, incoming: threads.CustomerMessage, **kwargs: Any) -> Any:
        found_at_store.append(s3.head_object(Bucket="shopdesk-attachments", Key=incoming.original["key"])["ContentLength"] > 0)
        return real_store(contact, incoming, **kwargs)

    def keeping(digest: str, raw: bytes) -> Any:
        putters.append(threading.current_thread().name)
        return real_keep(digest, raw)

    monkeypatch.setattr(threads, "store_customer_message", storing)
    monkeypatch.setattr(mail_sync, "keep_original", keeping)
    mailbox.mails = [customer_mail(f"<m{i}@example.com>", sender=f"C{i} <c{i}@example.com>") for i in range(5)]
    mailbox.mails.append(customer_mail("<own@example.com>", sender="Shop <support@shop.example>"))  # skipped: no original kept

    result = sync()

    assert (result.imported, result.skipped) == (5, 1)
    assert found_at_store == [True] * 5
    assert len(putters) == 5 and all(name.startswith("original") for name in putters)  # the pool's, not the run's thread


def test_an_original_the_bucket_refuses_stops_the_run_before_its_mail_and_the_next_run_imports_it_whole(mailbox: type[MemoryMailbox], monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import ClientError

    real_keep = mail_sync.keep_original
    second = customer_mail("<second@example.com>", sender="Bea <bea@example.com>")

    def failing(digest: str, raw: bytes) -> Any:
        if raw == second:
            raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "S3 is down"}}, "PutObject")
        return real_keep(digest, raw)

    monkeypatch.setattr(mail_sync, "keep_original", failing)
    mailbox.mails = [customer_mail("<first@example.com>"), second, customer_mail("<third@example.com>", sender="Cy <cy@example.com>")]

    broken = sync()

    assert broken.state == "failed" and broken.errors[-1]["code"] == "aws_error"
    assert not stored("second@example.com") and not stored("third@example.com") and mailbox.seen == set()
    monkeypatch.setattr(mail_sync, "keep_original", real_keep)

    healed = sync()

    assert (healed.imported, healed.duplicates) == (2, 1)
    [message] = stored("second@example.com")
    assert s3_text(message.original.key) == second
    assert mailbox.seen == {1, 2, 3}


def test_an_original_goes_out_whole_without_waiting_for_a_go_ahead(aws: Any) -> None:
    """`Expect: 100-continue` would hold every original's PutObject for a round trip."""
    from shopdesk.core.aws import client

    sent: list[dict[str, str]] = []

    def headers(request: Any, **_: Any) -> None:
        sent.append(dict(request.headers))

    s3 = client("s3")
    s3.meta.events.register("request-created.s3.PutObject", headers)
    try:
        kept = mail_sync.keep_original("d1gest", customer_mail("<whole@example.com>"))
    finally:
        s3.meta.events.unregister("request-created.s3.PutObject", headers)
    assert kept["size"] > 0 and len(sent) == 1
    assert "Expect" not in sent[0]
