"""A customer's data on request (SPEC §10, GDPR articles 15 and 17): export it, erase it.

Both start from the address and reach everything by key, never by Scan (docs/data-model.md,
pattern 32): GSI7 `TL#E#<e-mail>` lists the address's threads (paginated), each thread's partition
holds its messages, `CUSTOMER#<e-mail>` holds the storefront profile and orders, `OPEN#<e-mail>`
the open-thread claims, `RATE#email:<mailbox>` the rate-limit windows (store.intake_data.email_rate_subject), `BLOCKED/<e-mail>` a block.

What is deliberately kept by an erasure (each holds no copy of the person's messages):
- the blocked-sender entry: a legitimate-interest record that keeps an erased spammer out; an
  admin removes it with `DELETE /v1/blocked-senders/{value}`;
- `INBOUND#<Message-ID>` records: they only name a mail already imported, and keep the mail sync
  from importing the erased mail again from the shop's mailbox;
- `MAILID#…`, `RECENT#<digest>` and idempotency records: ids and digests that name no address,
  the last two expire by TTL within a day;
- the 30-day `STATS/DAY#…` aggregates (counts, as for any deleted thread) and the agents' read
  markers (the agents' data).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from shopdesk.core.errors import FieldError, NotFound, ValidationFailed
from shopdesk.core.validation import is_valid_email, mailbox_of
from shopdesk.store import mail_log
from shopdesk.store import privacy as data
from shopdesk.store.attachments import DOWNLOAD_URL_SECONDS, download_url
from shopdesk.store.customers import customer_and_orders
from shopdesk.store.models import Message, Thread
from shopdesk.store.threads import ATTEMPTS, ThreadChanged, delete_thread, thread_partition

# An erasure stops starting thread deletions when less than this is left of the function's time,
# and answers `complete: false`: the admin runs it again to finish (each run resumes from the table).
SAFETY_MILLIS = 2500


def normalized_email(raw: Any) -> str:
    """The address as the table keys it (lower case); a path may carry it URL-encoded."""
    email = urllib.parse.unquote(raw).strip().lower() if isinstance(raw, str) else ""
    if not is_valid_email(email):
        raise ValidationFailed([FieldError("email", "invalid_email")])
    return email


# --- export ---------------------------------------------------------------------------------------


def _attachments(message: Message) -> list[dict[str, Any]]:
    return [
        {"filename": a.filename, "content_type": a.content_type, "size": int(a.size), "url": download_url(a.key, a.filename, content_type=a.content_type)}
        for a in (message.attachments or [])
    ]


def _message_export(message: Message) -> dict[str, Any]:
    """One message as the customer may read it. The agent's own address is left out (a colleague's
    data, GDPR art. 15(4)); the customer's IP and browser, which we stored, are in."""
    entry: dict[str, Any] = {
        "author": message.author,
        "source": message.source,
        "created_at": message.created_at,
        "text": message.text or "",
        "attachments": _attachments(message),
    }
    if message.author == "customer":
        entry.update({"new_text": message.new_text, "product": message.product, "ip": message.ip, "user_agent": message.user_agent})
    if message.delivery is not None:
        entry["delivery"] = message.delivery.state
    return entry


def _thread_export(thread: Thread, messages: list[Message]) -> dict[str, Any]:
    return {
        "number": int(thread.number),
        "status": thread.status,
        "contact": thread.contact_names.as_dict() if thread.contact_names else {},
        "language": thread.language,
        "customer_name": thread.customer_name,
        "customer_id": thread.customer_id,
        "order_ref": thread.order_ref,
        "product": thread.product,
        "created_at": thread.created_at,
        "last_message_at": thread.last_message_at,
        "messages": [_message_export(m) for m in messages if not m.private],
        "internal_notes": [_message_export(m) for m in messages if m.private],
    }


def export_customer(raw_email: Any) -> dict[str, Any]:
    """Everything Shopdesk holds about an address, as one JSON document (GDPR art. 15, 20).

    Private notes: an agent's note about the customer is personal data about them, and GDPR
    practice (EDPB guidelines 01/2022 on the right of access) is to disclose it unless the rights
    of others prevail in the case at hand, never to withhold it wholesale. So the export includes
    the notes (and forward records), apart from the messages in each thread's `internal_notes`,
    without the agents' addresses, for the admin to review before sending. The thread's secret
    token is never exported. Files come as download links valid for `links_expire_in` seconds.

    Requests: one Query on GSI7 (every page), one Query per thread, one on `CUSTOMER#<e-mail>`,
    one GetItem of the block. An unknown address gives an empty document.
    """
    email = normalized_email(raw_email)
    threads: list[dict[str, Any]] = []
    for summary in data.threads_of(email):
        try:
            thread, messages = thread_partition(int(summary.number))
        except NotFound:
            continue
        threads.append(_thread_export(thread, messages))
    profile, orders = customer_and_orders(email, consistent_read=True)
    blocked = data.blocked_entry(email)
    return {
        "email": email,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "links_expire_in": DOWNLOAD_URL_SECONDS,
        "customer": {"customer_id": profile.customer_id, "name": profile.name, "since": profile.since} if profile else None,
        "orders": [
            {
                "reference": o.reference,
                "customer_id": o.customer_id,
                "total": o.total,
                "currency": o.currency,
                "validated": bool(o.validated),
                "placed_at": o.placed_at,
                "history": [{"status": h.status, "at": h.at} for h in (o.history or [])],
            }
            for o in orders
        ],
        "threads": threads,
        "blocked_sender": {"value": blocked.value, "created_at": blocked.created_at} if blocked else None,
    }


# --- erasure --------------------------------------------------------------------------------------


def _delete_thread(number: int) -> tuple[int, int] | None:
    """Deletes one thread through threads.delete_thread (counters, claim, files); returns its
    messages and files, or None when it was gone already. A message arriving meanwhile retries."""
    for _ in range(ATTEMPTS):
        try:
            _, messages = thread_partition(number, include_merged=True)
            delete_thread(number)
        except NotFound:
            return None
        except ThreadChanged:
            continue
        return len(messages), sum(len(m.attachments or []) for m in messages)
    raise ThreadChanged()


def erase_customer(raw_email: Any, millis_left: Callable[[], int] | None = None) -> dict[str, Any]:
    """Erases an address's data (GDPR art. 17) and says what went, by kind.

    Every thread goes through threads.delete_thread, so the dashboard counters drop with it and
    its files leave S3; then the aliases, the open-thread claims, the rate-limit windows and the
    `CUSTOMER#` partition (profile and orders) go by BatchWriteItem, aliases first and the
    partition last, so an erasure cut short is finished by running it again. Erasing twice is
    harmless: the second time finds nothing and answers zeros. An address with very many threads
    may not fit in one call (`millis_left`, the Lambda's remaining time): the answer then says
    `complete: false`, the profile and orders wait for the last run, and calling again goes on.
    What is kept, and why: the module's docstring.
    """
    email = normalized_email(raw_email)
    summaries = data.threads_of(email)
    profile, orders = customer_and_orders(email, consistent_read=True)
    aliases = data.aliases_of(email, profile, orders, summaries)
    claims = data.open_claims_of(email)
    windows = data.rate_windows_of(f"email:{mailbox_of(email)}")  # the form counts posts per mailbox

    data.delete_items(aliases)
    removed = {"threads": 0, "messages": 0, "attachments": 0}
    complete = True
    # A thread lists the numbers merged into it: their tombstones (in no list) go just before it,
    # so an erasure cut short still finds them through the thread the next run.
    numbers = list(dict.fromkeys(n for t in summaries for n in (*(int(m) for m in (t.merged_from or [])), int(t.number))))
    for number in numbers:
        if millis_left is not None and millis_left() < SAFETY_MILLIS:
            complete = False
            break
        deleted = _delete_thread(number)
        if deleted is not None:
            removed["threads"] += 1
            removed["messages"] += deleted[0]
            removed["attachments"] += deleted[1]
    rest = [*claims, *windows, *orders, *([profile] if profile else [])] if complete else []
    data.delete_items(rest)
    if complete:
        for entry in mail_log.sender_entries(email):
            mail_log.forget_sender(entry)  # the mail log keeps that a mail was handled, not who sent it
    return {
        "email": email,
        "complete": complete,
        "removed": {
            **removed,
            "customer": 1 if profile and complete else 0,
            "orders": len(orders) if complete else 0,
            "aliases": len(aliases),
            "open_claims": len(claims) if complete else 0,
            "rate_windows": len(windows) if complete else 0,
        },
    }
