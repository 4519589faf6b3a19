"""Several mailboxes: each with its own settings, password, cursor, lease and status,
synced in isolation; the single mailbox of the settings migrates without importing anything twice.

Mailboxes in memory over in-process moto (the IMAP conversation is tested against Dovecot and
pymap in tests/integration)."""

from __future__ import annotations

import threading
from typing import Any

import boto3
import pytest
from shopdesk.admin.contacts import all_contacts
from shopdesk.mail import importer, parse
from shopdesk.mail import sync as imap_sync
from shopdesk.mail.imap import MailboxError, MailboxSettings
from shopdesk.store import mail_sync, threads
from shopdesk.store import mailboxes as mailbox_store
from shopdesk.store.models import ImapSettings, Message, SyncCursor, Thread
from shopdesk.store.settings import load_settings

from local import moto_transactions
from tests.in_process_aws import REGION
from tests.unit.agents_api import ADMIN, AGENT, call
from tests.unit.test_mail_sync_isolation import MemoryMailbox, customer_mail


@pytest.fixture(autouse=True)
def item_scoped_rollback() -> Any:
    """Mailboxes sync in parallel threads: moto rolls a cancelled transaction back by restoring the
    whole table (undoing another thread's writes, which DynamoDB never does); the local stack's
    patch restores only the items the transaction names, as here."""
    undo = moto_transactions.install()
    yield
    undo()


class Boxes:
    """Several memory mailboxes, one per host: their mails, what was fetched, how each connects."""

    def __init__(self) -> None:
        self.mails: dict[str, list[bytes]] = {}
        self.fetched: dict[str, list[int]] = {}
        self.on_connect: dict[str, Any] = {}
        self.done: dict[str, threading.Event] = {}

    def factory(self, settings: MailboxSettings) -> MemoryMailbox:
        boxes = self

        class Box(MemoryMailbox):
            def connect(self) -> None:
                hook = boxes.on_connect.get(settings.host)
                if hook:
                    hook()

            def select(self) -> tuple[int, int]:
                return 7, len(boxes.mails[settings.host]) + 1

            def status(self) -> tuple[int, int]:
                return self.select()

            def search_since(self, days: int) -> list[int]:
                return list(range(1, len(boxes.mails[settings.host]) + 1))

            def sizes(self, uids: Any) -> dict[int, Any]:
                mails = boxes.mails[settings.host]
                wanted = range(int(uids.split(":")[0]), len(mails) + 1) if isinstance(uids, str) else uids
                return {uid: type("E", (), {"size": len(mails[uid - 1]), "message_id": None, "sender": "", "subject": ""})() for uid in wanted}

            def fetch_raw(self, uids: list[int]) -> dict[int, bytes]:
                boxes.fetched.setdefault(settings.host, []).extend(uids)
                return {uid: boxes.mails[settings.host][uid - 1] for uid in uids}

            def mark_done(self, uids: list[int], delete: bool) -> None:
                boxes.done.setdefault(settings.host, threading.Event()).set()

        return Box(settings)


def secret(secret_id: str, value: str = "pw") -> None:
    boto3.client("secretsmanager", region_name=REGION).create_secret(Name=secret_id, SecretString=value)


def add(host: str, **fields: Any) -> str:
    status, body = call("POST", "/v1/mailboxes", ADMIN, {"host": host, "user": "support", "security": "none", "password": "pw", **fields})
    assert status == 201, body
    return str(body["id"])


def run(boxes: Boxes) -> imap_sync.RunResult:
    return imap_sync.run(lambda: 600_000, mailbox_factory=boxes.factory, contacts=all_contacts)


def messages_of(mail_id: str) -> list[Message]:
    return list(Message.scan(Message.mail_message_id == mail_id))  # a test may scan; the product never does


def mailbox_view(mailbox_id: str) -> dict[str, Any]:
    status, body = call("GET", "/v1/mailboxes", ADMIN)
    assert status == 200
    return next(m for m in body["mailboxes"] if m["id"] == mailbox_id)


# --- the migration ----------------------------------------------------------------------------------


def test_the_settings_mailbox_and_its_cursor_migrate_and_no_mail_is_imported_twice(aws: Any) -> None:
    # Before mailboxes: one mailbox in the settings, three mails imported, its cursor after them.
    settings = load_settings()
    settings.imap = ImapSettings(host="imap.shop.example", port=993, user="support", security="tls", folder="INBOX", password_set=True)
    settings.save()
    boxes = Boxes()
    boxes.mails["imap.shop.example"] = [customer_mail(f"<m{i}@example.com>", sender=f"c{i}@example.com") for i in range(1, 6)]
    old = [parse.parse(raw) for raw in boxes.mails["imap.shop.example"][:3]]
    context = importer.prepare_batch(old, all_contacts(), True)
    for mail in old:
        importer.store(mail, context)
    SyncCursor(*SyncCursor.key("imap.shop.example", "support", "INBOX"), uidvalidity=7, last_uid=3).save()

    result = run(boxes)

    assert boxes.fetched["imap.shop.example"] == [4, 5]  # the cursor came along: only what is new is read
    assert result.imported == 2 and result.duplicates == 0
    assert all(len(messages_of(f"m{i}@example.com")) == 1 for i in range(1, 6))
    [primary] = mailbox_store.all_mailboxes()
    assert (primary.mailbox_id, primary.host, primary.secret_id, primary.password_set) == ("primary", "imap.shop.example", "shopdesk/imap-password", True)
    assert (primary.uidvalidity, primary.last_uid) == (7, 5)


def test_a_removed_migrated_mailbox_is_not_brought_back(aws: Any) -> None:
    settings = load_settings()
    settings.imap = ImapSettings(host="imap.shop.example", user="support")
    settings.save()
    assert [m["id"] for m in call("GET", "/v1/mailboxes", ADMIN)[1]["mailboxes"]] == ["primary"]

    assert call("DELETE", "/v1/mailboxes/primary", ADMIN)[0] == 204

    assert call("GET", "/v1/mailboxes", ADMIN)[1]["mailboxes"] == []
    assert boto3.client("secretsmanager", region_name=REGION).get_secret_value(SecretId="shopdesk/imap-password")  # the template's secret stays


def test_saving_the_settings_mailbox_changes_the_primary_mailbox(aws: Any) -> None:
    status, _ = call("PATCH", "/v1/settings", ADMIN, {"imap": {"host": "imap.one.example", "user": "support", "folder": "Shop"}})
    assert status == 200
    assert (mailbox_view("primary")["host"], mailbox_view("primary")["folder"]) == ("imap.one.example", "Shop")

    call("PATCH", "/v1/settings", ADMIN, {"imap": {"host": "imap.two.example"}})

    assert mailbox_view("primary")["host"] == "imap.two.example"


# --- isolation --------------------------------------------------------------------------------------


def test_a_mailbox_that_refuses_its_login_shows_its_own_error_and_the_other_keeps_importing(aws: Any) -> None:
    broken, working = add("imap.broken.example"), add("imap.working.example")
    boxes = Boxes()
    boxes.mails = {"imap.broken.example": [customer_mail("<b1@example.com>")], "imap.working.example": [customer_mail("<w1@example.com>")]}

    def refuse() -> None:
        raise MailboxError("imap_login_failed")

    boxes.on_connect["imap.broken.example"] = refuse

    result = run(boxes)

    assert result.imported == 1 and len(messages_of("w1@example.com")) == 1
    assert mailbox_view(working)["sync"]["state"] == "ok" and mailbox_view(working)["sync"]["imported"] == 1
    failing = mailbox_view(broken)["sync"]
    assert failing["state"] == "failed" and [e["code"] for e in failing["errors"]] == ["imap_login_failed"]
    status = call("GET", "/v1/sync", AGENT)[1]
    assert status["state"] == "failed" and status["imported"] == 1
    assert {m["id"]: m["state"] for m in status["mailboxes"]} == {broken: "failed", working: "ok"}


def test_a_mailbox_that_hangs_never_delays_another(aws: Any) -> None:
    slow, fast = add("imap.slow.example"), add("imap.fast.example")  # the slow one comes first
    boxes = Boxes()
    boxes.mails = {"imap.slow.example": [], "imap.fast.example": [customer_mail("<f1@example.com>")]}
    boxes.done["imap.fast.example"] = fast_done = threading.Event()

    def hang_until_the_other_imported() -> None:
        if not fast_done.wait(10):  # a sequential sync would wait here for ever: the other never started
            raise MailboxError("imap_timeout")
        raise MailboxError("imap_timeout")

    boxes.on_connect["imap.slow.example"] = hang_until_the_other_imported

    run(boxes)

    assert len(messages_of("f1@example.com")) == 1
    assert mailbox_view(fast)["sync"]["state"] == "ok"
    assert [e["code"] for e in mailbox_view(slow)["sync"]["errors"]] == ["imap_timeout"]


def test_each_mailbox_keeps_its_own_cursor_and_a_paused_one_is_not_read(aws: Any) -> None:
    one, two = add("imap.one.example"), add("imap.two.example")
    boxes = Boxes()
    boxes.mails = {"imap.one.example": [customer_mail("<o1@example.com>")], "imap.two.example": [customer_mail("<t1@example.com>")]}
    run(boxes)
    assert call("PATCH", f"/v1/mailboxes/{two}", ADMIN, {"paused": True})[0] == 200
    boxes.mails["imap.one.example"].append(customer_mail("<o2@example.com>"))
    boxes.mails["imap.two.example"].append(customer_mail("<t2@example.com>"))

    run(boxes)

    assert boxes.fetched == {"imap.one.example": [1, 2], "imap.two.example": [1]}
    assert (mailbox_store.get_mailbox(one).last_uid, mailbox_store.get_mailbox(two).last_uid) == (2, 1)
    assert mailbox_view(two)["sync"]["state"] == "paused"


def test_mail_set_aside_in_one_mailbox_does_not_collide_with_the_same_uid_in_another(aws: Any) -> None:
    add("imap.one.example"), add("imap.two.example")
    boxes = Boxes()
    boxes.mails = {"imap.one.example": [customer_mail("<x1@example.com>", sender="")], "imap.two.example": [customer_mail("<x2@example.com>", sender="")]}

    run(boxes)

    assert sorted(f.record_id for f in mail_sync.failures()) == ["x1@example.com", "x2@example.com"]


def test_a_mailbox_names_the_contact_its_new_threads_go_to(aws: Any) -> None:
    all_contacts()
    orders = add("imap.orders.example", contact_id="webmaster")
    boxes = Boxes()
    boxes.mails = {"imap.orders.example": [customer_mail("<c1@example.com>")]}

    run(boxes)

    [message] = messages_of("c1@example.com")
    assert Thread.get(message.pk, "#THREAD").contact_id == "webmaster"  # not the first contact, customer-service
    assert mailbox_view(orders)["contact_id"] == "webmaster"


def test_a_set_aside_mail_retried_follows_its_own_mailbox_rules_and_contact(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    all_contacts()
    settings = load_settings()
    settings.imap = ImapSettings(host="", create_new_threads=False)  # the first mailbox makes no thread from mail
    settings.save()
    orders = add("imap.orders.example", contact_id="webmaster", create_new_threads=True)
    boxes = Boxes()
    boxes.mails = {"imap.orders.example": [customer_mail("<c2@example.com>")]}
    real = threads.store_customer_message

    def failing(contact: Any, incoming: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug, since fixed")

    monkeypatch.setattr(threads, "store_customer_message", failing)
    run(boxes)
    monkeypatch.setattr(threads, "store_customer_message", real)
    [aside] = call("GET", "/v1/mail-log", ADMIN, query="outcome=failed")[1]["entries"]
    assert aside["set_aside"] == f"{orders}.7.1"

    status, entry = call("POST", f"/v1/mail-log/set-aside/{aside['set_aside']}", ADMIN, body={})

    assert (status, entry["outcome"], entry["reason"]) == (200, "imported", "new_thread"), entry
    assert threads.get_thread(entry["thread_number"]).contact_id == "webmaster"


# --- admins ------------------------------------------------------------------------------------------


def test_each_password_goes_to_its_own_secret_and_is_never_answered(aws: Any) -> None:
    first, second = add("imap.one.example", password="first-pw"), add("imap.two.example", password="second-pw")
    secrets = boto3.client("secretsmanager", region_name=REGION)

    assert secrets.get_secret_value(SecretId=f"shopdesk/mailbox/{first}")["SecretString"] == "first-pw"
    assert secrets.get_secret_value(SecretId=f"shopdesk/mailbox/{second}")["SecretString"] == "second-pw"
    listed = call("GET", "/v1/mailboxes", ADMIN)[1]["mailboxes"]
    assert all(m["password_set"] and "password" not in m for m in listed) and "pw" not in str(listed)

    call("PATCH", f"/v1/mailboxes/{first}", ADMIN, {"password": "changed"})
    assert secrets.get_secret_value(SecretId=f"shopdesk/mailbox/{first}")["SecretString"] == "changed"

    assert call("DELETE", f"/v1/mailboxes/{first}", ADMIN)[0] == 204
    with pytest.raises(secrets.exceptions.InvalidRequestException):  # scheduled for deletion
        secrets.get_secret_value(SecretId=f"shopdesk/mailbox/{first}")
    assert [m["id"] for m in call("GET", "/v1/mailboxes", ADMIN)[1]["mailboxes"]] == [second]


def test_only_admins_manage_mailboxes_and_bad_fields_are_refused(aws: Any) -> None:
    assert call("GET", "/v1/mailboxes", AGENT)[0] == 403
    assert call("POST", "/v1/mailboxes", AGENT, {"host": "h", "user": "u"})[0] == 403
    status, body = call("POST", "/v1/mailboxes", ADMIN, {"host": "imap.example", "user": "u", "port": 0, "contact_id": "nobody"})
    assert status == 422
    status, body = call("POST", "/v1/mailboxes", ADMIN, {"host": "imap.example", "user": "u", "contact_id": "nobody"})
    assert status == 422 and body["error"]["fields"][0]["code"] == "unknown_contact"
    assert call("PATCH", "/v1/mailboxes/none-such", ADMIN, {"paused": True})[0] == 404
    assert call("DELETE", "/v1/mailboxes/..%2F", ADMIN)[0] == 404


def test_testing_a_mailbox_uses_its_own_password(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    mailbox_id = add("imap.one.example", password="its-own")
    seen: list[str] = []
    monkeypatch.setattr("shopdesk.mail.mailboxes.check_connection", lambda settings: seen.append(settings.password) or {"ok": True})

    assert call("POST", f"/v1/mailboxes/{mailbox_id}/test", ADMIN) == (200, {"ok": True})
    assert seen == ["its-own"]
