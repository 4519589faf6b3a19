"""Seeding the local stack's DynamoDB with what the admin and mail-log screens show, for the XSS
corpus (test_page_xss.py): mail log entries (sender, subject, error, set-aside name), mailboxes
(name, server fields, last errors; paused, so no sync ever connects to them), contacts, blocked
senders and saved replies, each holding payloads. Written with the store's models in a child
process that has the stack's environment (as page_seed does), and removed again with `clean`.

    python -m tests.integration.admin_seed < {"action": "seed"|"clean", "marker": "...", "payloads": [...]}
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from tests.integration.page_seed import ROOT, _environment

LOG_ENTRIES = 34  # three payloads each (sender, subject, error or reason): every payload once
MAILBOXES = 4
CONTACTS = 6
OUTCOMES = ("failed", "skipped", "bounced", "imported")


def run(stack: dict[str, Any], action: str, marker: str, payloads: list[str] | None = None) -> dict[str, Any]:
    request = json.dumps({"action": action, "marker": marker, "payloads": payloads or []})
    result = subprocess.run(
        [sys.executable, "-m", "tests.integration.admin_seed"], input=request, capture_output=True, text=True, cwd=ROOT, env=_environment(stack), check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{result.stderr}")
    return json.loads(result.stdout)


def _pick(payloads: list[str], n: int) -> str:
    return payloads[n % len(payloads)]


def _seed(marker: str, payloads: list[str]) -> dict[str, Any]:
    from datetime import UTC, datetime

    from shopdesk.store import blocked_senders, mail_sync, saved_replies
    from shopdesk.store.mailboxes import MailboxItem
    from shopdesk.store.models import Contact
    from shopdesk.store.sync_items import SyncError
    from shopdesk.store.threads import now_iso

    seeded: dict[str, Any] = {"log": [], "mailboxes": [], "contacts": [], "replies": []}
    for i in range(LOG_ENTRIES):
        outcome = OUTCOMES[i % len(OUTCOMES)]
        record_id = f"xss-{marker}-{i}@test.invalid"
        shown: dict[str, Any] = {"sender": _pick(payloads, 3 * i), "subject": _pick(payloads, 3 * i + 1), "size": 100 + i}
        if outcome == "failed":
            shown["failure_sk"] = f"FAILED#{_pick(payloads, i + 50)}"  # the set-aside mail's name, from its item's key
        record = mail_sync.inbound_record(record_id, outcome, _pick(payloads, 3 * i + 2), **shown)
        record.save()
        seeded["log"].append({"id": record_id, "outcome": outcome, **{k: v for k, v in shown.items() if k != "size"}, "detail": record.reason})
    for n in range(MAILBOXES):
        mailbox_id = f"xss{marker}{n}"
        errors = [SyncError(at=now_iso(), code=_pick(payloads, 2 * k), message=_pick(payloads, 2 * k + 1)) for k in range(n * 13, n * 13 + 13)]
        MailboxItem(
            *MailboxItem.key(mailbox_id),
            mailbox_id=mailbox_id,
            name=_pick(payloads, 60 + n),
            host=_pick(payloads, 70 + n),
            user=_pick(payloads, 80 + n),
            folder=_pick(payloads, 90 + n),
            paused=True,  # never synced: its "server" is a payload
            state="failed",
            secret_id=f"shopdesk/xss/{mailbox_id}",
            created_at=now_iso(),
            errors=errors,
        ).save()
        seeded["mailboxes"].append({"id": mailbox_id, "name": _pick(payloads, 60 + n)})
    moment = datetime.now(UTC)
    for n in range(CONTACTS):
        contact_id = f"xss-{marker}-{n}"
        name = _pick(payloads, 10 + 2 * n)
        Contact(
            *Contact.key(contact_id),
            contact_id=contact_id,
            names={"en": name, "es": name, "pl": name},
            descriptions={"en": _pick(payloads, 11 + 2 * n)},
            email=f"xss-{n}@shop.example",
            save_messages=True,
            position=1000 + n,
            created_at=moment,
            updated_at=moment,
        ).save()
        seeded["contacts"].append({"id": contact_id, "name": name, "description": _pick(payloads, 11 + 2 * n)})
    for n, payload in enumerate(payloads):
        blocked_senders.add_blocked(f"{payload} {marker}", by=_pick(payloads, n + 1))
        reply = saved_replies.put_saved_reply(None, f"{marker} {payload}", {"en": _pick(payloads, n + 1), "es": _pick(payloads, n + 2)})
        seeded["replies"].append(reply.reply_id)
    return seeded


def _clean(marker: str) -> dict[str, Any]:
    from shopdesk.store import blocked_senders, saved_replies
    from shopdesk.store.mailboxes import MailboxItem
    from shopdesk.store.models import Contact, InboundRecord

    for i in range(LOG_ENTRIES):
        InboundRecord(*InboundRecord.key(f"xss-{marker}-{i}@test.invalid")).delete()
    for n in range(MAILBOXES):
        MailboxItem(*MailboxItem.key(f"xss{marker}{n}")).delete()
    for n in range(CONTACTS):
        Contact(*Contact.key(f"xss-{marker}-{n}")).delete()
    for entry in blocked_senders.list_blocked():
        if entry.value.endswith(f" {marker}"):
            blocked_senders.remove_blocked(entry.value)
    for reply in saved_replies.library():
        if reply.title.startswith(f"{marker} "):
            saved_replies.delete_saved_reply(reply.reply_id)
    return {}


if __name__ == "__main__":
    order = json.loads(sys.stdin.read())
    answer = _seed(order["marker"], order["payloads"]) if order["action"] == "seed" else _clean(order["marker"])
    print(json.dumps(answer))
