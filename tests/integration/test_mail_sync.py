"""Mail sync against real IMAP servers (Dovecot and pymap, the same suite on both) with moto's AWS.

Each test gets a fresh folder (so a fresh UIDVALIDITY) and a fresh table; the servers are started
once per module. "Exactly once" is checked by reading back every stored message.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import boto3
import pytest
from pynamodb.exceptions import TransactWriteError
from shopdesk.admin.contacts import all_contacts
from shopdesk.core.config import config
from shopdesk.mail import parse
from shopdesk.mail import sync as imap_sync
from shopdesk.mail.imap import Mailbox, MailboxSettings, check_connection
from shopdesk.store import mail_sync, threads
from shopdesk.store import mailboxes as mailbox_store
from shopdesk.store.models import ImapSettings, InboundRecord, Message
from shopdesk.store.settings import load_settings

from tests.in_process_aws import REGION, count_dynamodb_requests, in_process_aws
from tests.integration import mail_servers

ROOT = Path(__file__).resolve().parents[2]
# the shared corpus sits beside the checkout (a worktree is one level deeper)
CORPUS = next((p / "shared" / "mail-corpus" for p in ROOT.parents if (p / "shared" / "mail-corpus").is_dir()), ROOT.parent / "shared" / "mail-corpus")
FOLDER = "Support"
@pytest.fixture(scope="module", params=["dovecot", "pymap"])
def server(request: pytest.FixtureRequest) -> Iterator[mail_servers.ImapServer]:
    with getattr(mail_servers, request.param)() as running:
        yield running


@pytest.fixture
def shop(server: mail_servers.ImapServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[mail_servers.ImapServer]:
    """A fresh folder on the server, a fresh table, and the shop's settings pointing at the folder."""
    mail_servers.reset_folder(server, FOLDER)
    with in_process_aws(monkeypatch, imap_password=server.password, IMAP_SYNC_BATCH_SIZE="3"):
        settings = load_settings()
        settings.imap = ImapSettings(host=server.host, port=server.port, user=server.user, security="none", folder=FOLDER)
        settings.save()
        yield server


def customer_mail(subject: str = "Where is my order?", body: str = "Hello, where is my parcel?", sender: str = "ann@example.com", **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Ann Customer <{sender}>"
    message["To"] = headers.pop("to", "support@shop.example")
    message["Subject"] = subject
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = headers.pop("message_id", make_msgid(domain="example.com"))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def sync(remaining_ms: int = 300_000, **kwargs: Any) -> imap_sync.RunResult:
    return imap_sync.run(lambda: remaining_ms, contacts=all_contacts, **kwargs)


def stored_messages() -> list[dict[str, Any]]:
    """Every customer message in the table (a test may Scan; the product never does)."""
    table = boto3.resource("dynamodb", region_name=REGION).Table("shopdesk")
    items = table.scan(FilterExpression="kind = :m", ExpressionAttributeValues={":m": "message"})["Items"]
    return [i for i in items if i.get("author") == "customer"]


def mail_ids_stored() -> list[str]:
    return sorted(str(m.get("mail_message_id")) for m in stored_messages())


def flags(server: mail_servers.ImapServer) -> dict[int, tuple[bytes, ...]]:
    with server.client() as imap:
        imap.select_folder(FOLDER, readonly=True)
        return {uid: data[b"FLAGS"] for uid, data in imap.fetch(imap.search(["ALL"]), ["FLAGS"]).items()}


def thread_messages(number: int) -> list[Message]:
    return list(Message.query(f"THREAD#{number}", consistent_read=True))


def thread_with_reply(outbound_id: str) -> threads.Thread:
    """A form thread whose agent reply went out with `outbound_id` as its Message-ID."""
    contact = all_contacts()[0]
    stored = threads.store_customer_message(contact, threads.CustomerMessage(email="ann@example.com", text="First question", source="form", language="en"))
    threads.store_agent_message(
        int(stored.thread.number),
        threads.AgentMessage(agent="bob@shop.example", text="Our answer", source="agent", close=True, outbound_message_ids=[outbound_id]),
    )
    return threads.get_thread(int(stored.thread.number))


# --- matching ---------------------------------------------------------------------------------------


def test_a_reply_by_email_lands_in_its_thread_reopens_it_and_is_marked_seen(shop: mail_servers.ImapServer) -> None:
    thread = thread_with_reply("<reply-1@shop.example>")
    assert thread.status == "closed"
    mail_servers.append(shop, FOLDER, [customer_mail("Re: your answer", "Thanks!\n\nOn Monday, Bob wrote:\n> Our answer", in_reply_to="<reply-1@shop.example>")])

    result = sync()

    assert (result.state, result.imported, result.matched, result.new_threads) == ("ok", 1, 1, 0)
    items = thread_messages(int(thread.number))
    reply = [i for i in items if getattr(i, "source", None) == "email"][0]
    assert reply.match_rule == "in_reply_to"
    assert reply.new_text == "Thanks!"
    assert "Our answer" in reply.text
    assert threads.get_thread(int(thread.number)).status == "open"
    assert all(b"\\Seen" in f for f in flags(shop).values())


def test_subject_markers_match_only_with_the_thread_token(shop: mail_servers.ImapServer) -> None:
    thread = thread_with_reply("<reply-2@shop.example>")
    number = int(thread.number)
    mail_servers.append(
        shop,
        FOLDER,
        [
            customer_mail(f"Re: [Ann's shop] #ct{number} #tc{thread.token}", "right token", message_id="<right@example.com>"),
            customer_mail(f"Re: #ct{number} #tcWRONGTOKEN1234", "wrong token", sender="eve@example.com", message_id="<wrong@example.com>"),
            customer_mail(f"Re: #ct{number}", "number alone", sender="mallory@example.com", message_id="<alone@example.com>"),
        ],
    )

    result = sync()

    assert result.imported == 3
    by_id = {m["mail_message_id"]: m for m in stored_messages() if m.get("mail_message_id")}
    assert by_id["right@example.com"]["match_rule"] == "subject_markers"
    assert int(by_id["right@example.com"]["thread_number"]) == number
    assert int(by_id["wrong@example.com"]["thread_number"]) != number
    assert int(by_id["alone@example.com"]["thread_number"]) != number


def test_encoded_subject_markers_and_the_plus_address_match(shop: mail_servers.ImapServer) -> None:
    thread = thread_with_reply("<reply-3@shop.example>")
    number = int(thread.number)
    encoded = EmailMessage()
    encoded["From"] = "ann@example.com"
    encoded["To"] = "support@shop.example"
    encoded["Subject"] = f"Re: Zamówienie — #ct{number} #tc{thread.token}"  # becomes an encoded word
    encoded["Message-ID"] = "<encoded@example.com>"
    encoded.set_content("Dziękuję")
    assert b"=?utf-8?" in encoded.as_bytes()
    plus = customer_mail("no markers here", "by plus address", to=f"support+ct{number}.tc{thread.token}@shop.example", message_id="<plus@example.com>")
    mail_servers.append(shop, FOLDER, [encoded.as_bytes(), plus])

    sync()

    by_id = {m["mail_message_id"]: m for m in stored_messages() if m.get("mail_message_id")}
    assert (by_id["encoded@example.com"]["match_rule"], int(by_id["encoded@example.com"]["thread_number"])) == ("subject_markers", number)
    assert (by_id["plus@example.com"]["match_rule"], int(by_id["plus@example.com"]["thread_number"])) == ("plus_address", number)


def test_unmatched_mail_starts_a_thread_under_the_contact_written_to_or_is_skipped_when_off(shop: mail_servers.ImapServer) -> None:
    contacts = all_contacts()
    target = contacts[-1]
    target.email = "returns@shop.example"
    target.save()
    mail_servers.append(shop, FOLDER, [customer_mail("New question", "Hi", to="Returns <returns@shop.example>", message_id="<new@example.com>")])
    result = sync()
    assert result.new_threads == 1
    message = stored_messages()[0]
    assert message["match_rule"] == "new_thread"
    thread = threads.get_thread(int(message["thread_number"]))
    assert thread.contact_id == target.contact_id
    assert thread.email == "ann@example.com" and thread.customer_name == "Ann Customer"

    mailbox_store.update_settings("primary", {"create_new_threads": False})  # the mailbox's own switch
    mail_servers.append(shop, FOLDER, [customer_mail("Another", "Hi again", sender="zed@example.com", message_id="<off@example.com>")])
    result = sync()
    assert (result.imported, result.skipped) == (0, 1)
    assert InboundRecord.get(*InboundRecord.key("off@example.com")).reason == "unmatched"


def test_own_mail_auto_replies_and_bounces_are_skipped_and_the_bounce_marks_the_reply(shop: mail_servers.ImapServer) -> None:
    thread = thread_with_reply("<bounced@shop.example>")
    own = customer_mail("Copy", "our own", sender="support@shop.example", message_id="<own@example.com>")
    auto = customer_mail("Out of office", "I am away", message_id="<ooo@example.com>", auto_submitted="auto-replied")
    bulk = customer_mail("News", "newsletter", message_id="<bulk@example.com>", precedence="bulk")
    dsn = EmailMessage()
    dsn["From"] = "Mail Delivery System <MAILER-DAEMON@mx.example.com>"
    dsn["To"] = "support@shop.example"
    dsn["Subject"] = "Undelivered Mail Returned to Sender"
    dsn["Message-ID"] = "<dsn@mx.example.com>"
    dsn.set_content("This is the mail system. Your message could not be delivered.")
    original = EmailMessage()
    original["Message-ID"] = "<bounced@shop.example>"
    original["Subject"] = "Our answer"
    original.set_content("Our answer")
    dsn.add_attachment(original)
    dsn.replace_header("Content-Type", dsn["Content-Type"].replace("multipart/mixed", "multipart/report; report-type=delivery-status"))
    mail_servers.append(shop, FOLDER, [own, auto, bulk, dsn.as_bytes()])

    result = sync()

    assert (result.imported, result.skipped, result.bounced) == (0, 3, 1)
    reply = [i for i in thread_messages(int(thread.number)) if getattr(i, "author", None) == "agent"][0]
    assert reply.delivery.state == "bounced"
    assert {InboundRecord.get(*InboundRecord.key(i)).reason for i in ("own@example.com", "ooo@example.com", "bulk@example.com")} == {
        "own_mail",
        "auto_submitted",
        "precedence_bulk",
    }


# --- incremental ----------------------------------------------------------------------------------


class CountingMailbox(Mailbox):
    commands: list[str] = []

    def connect(self) -> None:
        super().connect()
        original = self.client._imap._command  # type: ignore[union-attr]

        def counted(name: str, *args: Any) -> Any:
            CountingMailbox.commands.append(name)
            return original(name, *args)

        self.client._imap._command = counted  # type: ignore[union-attr]


def test_a_run_with_nothing_new_only_asks_the_folder_status(shop: mail_servers.ImapServer, monkeypatch: pytest.MonkeyPatch) -> None:
    mail_servers.append(shop, FOLDER, [customer_mail(message_id=f"<n{i}@example.com>") for i in range(4)])
    first = sync(mailbox_factory=CountingMailbox)
    assert first.imported == 4 and first.batches == 2  # batches of 3
    CountingMailbox.commands = []
    requests = count_dynamodb_requests(monkeypatch)

    again = sync(mailbox_factory=CountingMailbox)

    assert again.imported == 0
    # STATUS answers from the server's index: no SELECT (which counts the folder's messages), no SEARCH, no FETCH
    assert [c for c in CountingMailbox.commands if c not in ("CAPABILITY", "LOGIN", "LOGOUT")] == ["STATUS"]
    # the migration's marker and the mailboxes listed (every run); then the mailbox's own two: the lease
    # taken (answering with the mailbox: no GetItem), the lease released with the quiet run's record
    assert requests == ["GetItem", "Query", "UpdateItem", "UpdateItem"]
    assert imap_sync.sync_status()["state"] == "ok"

    mail_servers.append(shop, FOLDER, [customer_mail(message_id="<n-late@example.com>")])
    assert sync(mailbox_factory=CountingMailbox).imported == 1  # something new: STATUS, then SELECT and the FETCHes


def test_the_first_run_reads_only_the_window_then_only_new_uids(shop: mail_servers.ImapServer) -> None:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=90)
    mail_servers.append(shop, FOLDER, [customer_mail("Old", message_id="<old@example.com>")], when=old)
    mail_servers.append(shop, FOLDER, [customer_mail("Recent", message_id="<recent@example.com>")])
    sync()
    assert mail_ids_stored() == ["recent@example.com"]
    mail_servers.append(shop, FOLDER, [customer_mail("Newer", message_id="<newer@example.com>")])
    sync()
    assert mail_ids_stored() == ["newer@example.com", "recent@example.com"]


def test_a_uidvalidity_change_starts_over_without_importing_twice(shop: mail_servers.ImapServer) -> None:
    raws = [customer_mail(message_id=f"<v{i}@example.com>") for i in range(3)]
    mail_servers.append(shop, FOLDER, raws)
    sync()
    mail_servers.reset_folder(shop, FOLDER)  # a new UIDVALIDITY, the same mail again plus one
    mail_servers.append(shop, FOLDER, [*raws, customer_mail(message_id="<v3@example.com>")])

    result = sync()

    assert (result.imported, result.duplicates) == (1, 3)
    assert mail_ids_stored() == [f"v{i}@example.com" for i in range(4)]


def test_a_message_over_the_size_limit_is_recorded_and_not_downloaded(shop: mail_servers.ImapServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMAP_MAX_MESSAGE_BYTES", "5000")
    config.cache_clear()
    mail_servers.append(shop, FOLDER, [customer_mail(body="x" * 9000, message_id="<big@example.com>"), customer_mail(message_id="<small@example.com>")])
    CountingMailbox.commands = []

    result = sync()

    assert (result.imported, result.failed) == (1, 1)
    assert InboundRecord.get(*InboundRecord.key("big@example.com")).reason == "too_large"
    assert imap_sync.sync_status()["errors"][0]["code"] == "message_too_large"
    [failure] = mail_sync.failures()
    assert (failure.sender, failure.subject, int(failure.size) > 9000) == ("Ann Customer <ann@example.com>", "Where is my order?", True)


def test_a_message_that_cannot_be_parsed_is_kept_raw_reported_and_not_retried(shop: mail_servers.ImapServer, monkeypatch: pytest.MonkeyPatch) -> None:
    real_parse = parse.parse

    def failing_parse(raw: bytes) -> parse.ParsedMail:
        if b"<broken@example.com>" in raw:
            raise ValueError("unreadable")
        return real_parse(raw)

    monkeypatch.setattr(parse, "parse", failing_parse)
    mail_servers.append(shop, FOLDER, [customer_mail(message_id="<broken@example.com>"), customer_mail(message_id="<fine@example.com>")])

    result = sync()
    again = sync()

    assert (result.imported, result.failed) == (1, 1)
    assert (again.imported, again.failed) == (0, 0)
    status = imap_sync.sync_status()
    assert status["state"] == "ok"
    failures = mail_sync.failures()
    assert len(failures) == 1 and "unreadable" in failures[0].error
    raw = boto3.client("s3", region_name=REGION).get_object(Bucket="shopdesk-attachments", Key=failures[0].raw_key)["Body"].read()
    assert b"<broken@example.com>" in raw


# --- faults -----------------------------------------------------------------------------------------


def dropping_mailbox(step: str) -> type[Mailbox]:
    """A mailbox whose connection is cut just before `step` (the server sees the socket close)."""

    class Dropping(Mailbox):
        def _drop(self) -> None:
            self.client._imap.sock.shutdown(socket.SHUT_RDWR)  # type: ignore[union-attr]

        def select(self) -> Any:
            if step == "select":
                self._drop()
            return super().select()

        def sizes(self, uids: Any) -> Any:
            if step == "sizes":
                self._drop()
            return super().sizes(uids)

        def fetch_raw(self, uids: list[int]) -> Any:
            if step == "fetch":
                self._drop()
            return super().fetch_raw(uids)

        def mark_done(self, uids: list[int], delete: bool) -> None:
            if step == "flag":
                self._drop()
            return super().mark_done(uids, delete)

    return Dropping


@pytest.mark.parametrize("step", ["select", "sizes", "fetch", "flag"])
def test_a_connection_dropped_at_any_step_loses_nothing_and_imports_nothing_twice(shop: mail_servers.ImapServer, step: str) -> None:
    ids = [f"drop{i}@example.com" for i in range(5)]
    mail_servers.append(shop, FOLDER, [customer_mail(message_id=f"<{i}>") for i in ids])

    broken = sync(mailbox_factory=dropping_mailbox(step))
    healed = sync()

    assert broken.state == "failed" and broken.errors[-1]["code"] == "imap_connection_lost"
    assert healed.state == "ok"
    assert mail_ids_stored() == sorted(ids)
    assert all(b"\\Seen" in f for f in flags(shop).values())


class Killed(BaseException):
    """The Lambda's process ends here (a timeout or a crash): nothing after it runs."""


def test_a_run_stopped_between_storing_and_flagging_resumes_without_duplicates(shop: mail_servers.ImapServer) -> None:
    ids = [f"kill{i}@example.com" for i in range(4)]
    mail_servers.append(shop, FOLDER, [customer_mail(message_id=f"<{i}>") for i in ids])

    class DiesBeforeFlagging(Mailbox):
        def mark_done(self, uids: list[int], delete: bool) -> None:
            raise Killed()

    with pytest.raises(Killed):
        sync(mailbox_factory=DiesBeforeFlagging)
    assert sync().state == "busy"  # the dead run's lease holds until it expires
    mailbox_store.expire_lease("primary")  # …which it has, by the next schedule

    result = sync()

    assert mail_ids_stored() == sorted(ids)
    assert (result.imported, result.duplicates) == (1, 3)
    assert all(b"\\Seen" in f for f in flags(shop).values())


def test_dynamodb_failing_mid_batch_loses_nothing_and_imports_nothing_twice(shop: mail_servers.ImapServer, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = [f"ddb{i}@example.com" for i in range(5)]
    mail_servers.append(shop, FOLDER, [customer_mail(message_id=f"<{i}>") for i in ids])
    real_store = threads.store_customer_message
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise TransactWriteError("Failed to write transaction items: InternalServerError")
        return real_store(*args, **kwargs)

    monkeypatch.setattr(threads, "store_customer_message", failing)
    broken = sync()
    monkeypatch.setattr(threads, "store_customer_message", real_store)
    healed = sync()

    assert broken.state == "failed" and broken.errors[-1]["code"] == "aws_error"
    assert imap_sync.sync_status()["state"] == "ok"
    assert healed.state == "ok"
    assert mail_ids_stored() == sorted(ids)


def test_two_syncs_started_at_once_import_each_message_once(shop: mail_servers.ImapServer) -> None:
    ids = [f"twice{i}@example.com" for i in range(6)]
    mail_servers.append(shop, FOLDER, [customer_mail(message_id=f"<{i}>") for i in ids])
    results: list[imap_sync.RunResult] = []
    barrier = threading.Barrier(2)

    def one() -> None:
        barrier.wait()
        results.append(sync())

    runners = [threading.Thread(target=one) for _ in range(2)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    sync()

    assert sorted(r.state for r in results) in (["busy", "ok"], ["ok", "ok"])
    assert mail_ids_stored() == sorted(ids)


def test_a_run_stops_cleanly_before_the_time_runs_out(shop: mail_servers.ImapServer) -> None:
    mail_servers.append(shop, FOLDER, [customer_mail(message_id=f"<t{i}@example.com>") for i in range(4)])

    short = sync(remaining_ms=imap_sync.SAFETY_MARGIN_MS - 1)
    full = sync()

    assert (short.state, short.imported) == ("partial", 0)
    assert full.imported == 4


# --- connection errors --------------------------------------------------------------------------------


def test_connection_errors_have_clear_codes(shop: mail_servers.ImapServer) -> None:
    def check(**changes: Any) -> str | None:
        base = dict(host=shop.host, port=shop.port, user=shop.user, password=shop.password, security="none", folder=FOLDER, connect_timeout=5, read_timeout=10)
        base.update(changes)
        return check_connection(MailboxSettings(**base)).get("code")

    assert check() is None
    assert check(folder="Nowhere") == "imap_folder_missing"
    assert check(port=mail_servers.free_port()) == "imap_connection_refused"
    assert check(password="wrong") == "imap_login_failed"
    settings = load_settings()
    settings.imap.port = mail_servers.free_port()
    settings.save()
    result = sync()
    assert result.state == "failed"
    assert imap_sync.sync_status()["errors"][-1]["code"] == "imap_connection_refused"


# --- the real-world corpus ------------------------------------------------------------------------------


def test_every_corpus_message_imports_or_is_skipped_for_its_reason(shop: mail_servers.ImapServer) -> None:
    files = sorted(CORPUS.glob("*.eml"))
    assert len(files) > 150
    root = thread_with_reply("<1234@local.machine.example>")
    nuu = thread_with_reply("<123@example.com>")
    mail_servers.append(shop, FOLDER, [f.read_bytes() for f in files])

    result = sync()

    assert result.state in ("ok",), result.errors
    senderless = [f.name for f in files if parse.parse(f.read_bytes()).kind == "senderless"]
    assert result.failed == len(senderless)  # set aside visibly: nothing else fails
    assert {e["message"].split(": ", 1)[1] for e in result.errors} <= {"no sender: neither From, Sender nor Reply-To holds an address"}
    assert result.imported + result.skipped + result.bounced + result.unknown_reports + result.duplicates + result.failed == len(files)
    assert result.bounced + result.unknown_reports >= 24  # every dsn-* file (none of them is about a reply of ours: unknown_reports)
    by_id = {m.get("mail_message_id"): m for m in stored_messages()}
    for reply_id in ("3456@example.net", "abcd.1234@local.machine.test"):
        if reply_id in by_id:
            assert int(by_id[reply_id]["thread_number"]) == int(root.number)
    assert int(by_id["3456@example.net"]["thread_number"]) == int(root.number)
    assert int(by_id["456@example.com"]["thread_number"]) == int(nuu.number)
    assert int(by_id["999@example.com"]["thread_number"]) != int(nuu.number)
    for name in ("autoreply-ooo-01", "autoreply-ooo-exchange-01", "autoreply-subject-only-pl-01", "list-precedence-junk-01"):
        parsed = parse.parse((CORPUS / f"{name}.eml").read_bytes())
        assert InboundRecord.get(*InboundRecord.key(parsed.record_id)).outcome == "skipped"
    for text in (m.get("text", "") + (m.get("new_text") or "") for m in stored_messages()):
        assert "<script" not in text.lower() and "<html" not in text.lower()
    assert all(b"\\Seen" in f for f in flags(shop).values())


def test_an_unconfigured_mailbox_is_reported_not_alarmed(shop: mail_servers.ImapServer) -> None:
    settings = load_settings()
    settings.imap.host = ""
    settings.save()

    result = sync()

    assert result.state == "failed"
    assert imap_sync.sync_status()["errors"] == [{"at": imap_sync.sync_status()["errors"][0]["at"], "code": "imap_not_configured", "message": result.errors[0]["message"]}]


def test_with_the_delete_option_mail_is_deleted_only_once_stored(shop: mail_servers.ImapServer) -> None:
    settings = load_settings()
    settings.imap.delete_after_sync = True
    settings.save()
    ids = [f"del{i}@example.com" for i in range(4)]
    mail_servers.append(shop, FOLDER, [customer_mail(message_id=f"<{i}>") for i in ids])

    class DiesBeforeDeleting(Mailbox):
        def mark_done(self, uids: list[int], delete: bool) -> None:
            raise Killed()

    with pytest.raises(Killed):
        sync(mailbox_factory=DiesBeforeDeleting)
    assert len(flags(shop)) == 4  # stored, not yet deleted: nothing lost
    mailbox_store.expire_lease("primary")

    sync()

    assert flags(shop) == {}
    assert mail_ids_stored() == sorted(ids)
