"""The thread screen in one call (SPEC §5): the thread, its messages oldest first, the customer
block, the contact, the next and previous open threads, the merged orders-and-messages history
newest first, and the default reply in the thread's language. Opening it marks it read.

Requests: one Query on PK=THREAD#n (thread and messages), then, side by side, one Query on
PK=CUSTOMER#<e-mail> (profile and orders), one BatchGetItem (the contact and the shop's settings),
two `Limit 1` Queries on GSI2 `TL#S#open` (the neighbours) and, only when the thread is unread for
this agent, one UpdateItem of `read_by.<sub>` on the thread: five requests (six the first time
after a customer message), two round trips. Why not fewer: docs/data-model.md, "Thread view".
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal, InvalidOperation
from typing import Any

from shopdesk.admin.contacts import localized
from shopdesk.core.errors import NotFound
from shopdesk.intake.storefront import customer_and_orders
from shopdesk.store.attachments import DOWNLOAD_URL_SECONDS, download_url
from shopdesk.store.models import Contact, Message, Order, ShopdeskItem, ShopSettings, Thread
from shopdesk.store.threads import find_message, list_sort_key, mark_read, preview_of, thread_partition
from shopdesk.threads.thread_list import is_unread, thread_summary


def delivery_view(delivery: Any) -> dict[str, Any] | None:
    if delivery is None:
        return None
    return {"state": delivery.state, "message_id": delivery.message_id, "error": delivery.error, "at": delivery.at}


def message_view(message: Message) -> dict[str, Any]:
    """Message of docs/api.md: the text as written (the page shows it as text), files by index."""
    return {
        "id": message.message_id,
        "author": message.author,
        "agent": message.agent,
        "source": message.source,
        "text": message.text or "",
        "new_text": message.new_text,
        "private": bool(message.private),
        "created_at": message.created_at,
        "ip": message.ip,
        "user_agent": message.user_agent,
        "product": message.product,
        "attachments": [
            {"index": i, "filename": a.filename, "content_type": a.content_type, "size": int(a.size)}
            for i, a in enumerate(message.attachments or [])
        ],
        "delivery": delivery_view(message.delivery),
        "notification": delivery_view(message.notification),
        "match_rule": message.match_rule,
    }


def thread_detail(thread: Thread, unread: bool = False) -> dict[str, Any]:
    """ThreadDetail: the summary plus dates, order, product and customer id (never the token)."""
    return {
        **thread_summary(thread, unread),
        "created_at": thread.created_at,
        "last_customer_message_at": thread.last_customer_message_at,
        "order_ref": thread.order_ref,
        "product": thread.product,
        "customer_id": thread.customer_id,
        "first_response_at": thread.first_response_at,
    }


def customer_block(email: str) -> tuple[dict[str, Any] | None, list[Order]]:
    """Customer since, validated orders and their total, from the storefront's data (one Query)."""
    profile, orders = customer_and_orders(email)
    if profile is None and not orders:
        return None, []
    validated = [o for o in orders if o.validated]
    total = Decimal("0")
    for order in validated:
        try:
            total += Decimal(order.total)
        except InvalidOperation:
            continue
    currencies = [o.currency for o in validated] or [o.currency for o in orders]
    return (
        {
            "email": email,
            "name": profile.name if profile else None,
            "customer_id": (profile.customer_id if profile else None) or next((o.customer_id for o in orders if o.customer_id), None),
            "since": profile.since if profile else None,
            "validated_orders": len(validated),
            "validated_total": f"{total:.2f}",
            "currency": max(set(currencies), key=currencies.count) if currencies else None,
        },
        orders,
    )


def history(messages: list[Message], orders: list[Order]) -> list[dict[str, Any]]:
    """The thread's messages and the customer's orders and their status changes, newest first."""
    entries: list[dict[str, Any]] = [
        {
            "type": "message",
            "at": m.created_at,
            "message_id": m.message_id,
            "author": m.author,
            "source": m.source,
            "private": bool(m.private),
            "preview": preview_of(m.new_text or m.text or ""),
        }
        for m in messages
    ]
    for order in orders:
        if order.placed_at:
            entries.append(
                {"type": "order", "at": order.placed_at, "reference": order.reference, "total": order.total, "currency": order.currency, "validated": bool(order.validated)}
            )
        for change in order.history or []:
            entries.append({"type": "order_status", "at": change.at, "reference": order.reference, "status": change.status})
    # At the same instant an order comes before its status change, both before a message (read newest first).
    rank = {"order": 0, "order_status": 1, "message": 2}
    entries.sort(key=lambda e: (e["at"] or "", rank[e["type"]]), reverse=True)
    return entries


def neighbours(thread: Thread) -> dict[str, int | None]:
    """The open threads either side of this one in the list (newest first): previous is newer, next older."""
    sort = list_sort_key(thread.last_message_at, int(thread.number))
    newer = Thread.gsi2.query("TL#S#open", Thread.gsi2sk > sort, scan_index_forward=True, limit=1)
    older = Thread.gsi2.query("TL#S#open", Thread.gsi2sk < sort, scan_index_forward=False, limit=1)
    return {"previous": next((int(t.number) for t in newer), None), "next": next((int(t.number) for t in older), None)}


def _contact_and_settings(contact_id: str) -> tuple[Contact | None, ShopSettings]:
    contact: Contact | None = None
    settings: ShopSettings | None = None
    for item in ShopdeskItem.batch_get([Contact.key(contact_id), ShopSettings.key()]):
        if isinstance(item, Contact):
            contact = item
        elif isinstance(item, ShopSettings):
            settings = item
    return contact, settings or ShopSettings(*ShopSettings.key())


def view_thread(agent_sub: str, number: int) -> dict[str, Any]:
    """GET /v1/threads/{number} (docs/api.md); marks the thread read for this agent."""
    thread, messages = thread_partition(number)
    # The other requests depend only on the thread: made side by side, the view waits for two round trips.
    with ThreadPoolExecutor(max_workers=4) as pool:
        customer_future = pool.submit(customer_block, thread.email)
        contact_future = pool.submit(_contact_and_settings, thread.contact_id)
        neighbours_future = pool.submit(neighbours, thread)
        # Already read since the customer's last message: a new read time would change nothing.
        read_future = pool.submit(mark_read, agent_sub, number) if is_unread(thread, agent_sub) else None
    customer, orders = customer_future.result()
    contact, settings = contact_future.result()
    if read_future is not None:
        read_future.result()
    defaults = settings.default_messages.as_dict() if settings.default_messages else {}
    return {
        "thread": thread_detail(thread, unread=False),
        "messages": [message_view(m) for m in messages],
        "customer": customer,
        "contact": {
            "contact_id": thread.contact_id,
            "names": contact.names.as_dict() if contact else (thread.contact_names.as_dict() if thread.contact_names else {}),
            "email": contact.email if contact else None,
        },
        "neighbours": neighbours_future.result(),
        "history": history(messages, orders),
        "default_reply": localized(defaults, thread.language) if defaults else "",
    }


def attachment_link(number: int, message_id: str, index: str) -> dict[str, Any]:
    """A short-lived link that downloads one file of a message (never shown inline)."""
    message = find_message(number, message_id)
    files = list(message.attachments or [])
    if not index.isdigit() or int(index) >= len(files):
        raise NotFound("not_found")
    chosen = files[int(index)]
    return {"url": download_url(chosen.key, chosen.filename), "filename": chosen.filename, "expires_in": DOWNLOAD_URL_SECONDS}
