"""What the agents' API answers about threads (docs/api.md): a thread in the list, its detail, a
message, the thread screen, the answer to a reply, note or status change, a bulk action.

Domain objects in, JSON-ready dicts out; no reads, no writes. Customer text goes out as text (the
page puts it in text nodes); the thread's token never goes out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from decimal import Decimal, InvalidOperation
from typing import Any

from shopdesk.core.config import config
from shopdesk.core.i18n import localized
from shopdesk.core.thread_rules import preview_of
from shopdesk.store.customers import CustomerCard
from shopdesk.store.models import Message, Thread
from shopdesk.threads.assignment import Assigned
from shopdesk.threads.bulk import BulkOutcome
from shopdesk.threads.outbound import Posted, ReplyNotSent, ReplyOutdated
from shopdesk.threads.thread_list import ThreadPage
from shopdesk.threads.thread_view import FileLink, ThreadScreen


def delivery_view(delivery: Any) -> dict[str, Any] | None:
    if delivery is None:
        return None
    return {
        "state": delivery.state,
        "message_id": delivery.message_id,
        "error": delivery.error,
        "at": delivery.at,
        "status": delivery.status,
        "diagnostic": delivery.diagnostic,
        "recipient": delivery.recipient,
        "bounced_at": delivery.bounced_at,
        "delayed_at": delivery.delayed_at,
        "via": delivery.via or "ses",
        "sent_from": delivery.sent_from,
    }


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
            {"index": i, "filename": a.filename, "content_type": a.content_type, "size": int(a.size)} for i, a in enumerate(message.attachments or [])
        ],
        "delivery": delivery_view(message.delivery),
        "notification": delivery_view(message.notification),
        "match_rule": message.match_rule,
        "assignee_name": message.assignee_name,
        # came by mail: the raw original can be downloaded; text_cut: the whole text too (the item keeps its start)
        "has_original": message.original is not None,
        "text_cut": message.full_text is not None,
    }


def thread_summary(thread: Thread, unread: bool) -> dict[str, Any]:
    """ThreadSummary of docs/api.md (a row of the list); never the token."""
    return {
        "number": int(thread.number),
        "customer_name": thread.customer_name,
        "email": thread.email,
        "contact_id": thread.contact_id,
        "contact_names": thread.contact_names.as_dict() if thread.contact_names else {},
        "language": thread.language,
        "status": thread.status,
        "last_agent": thread.last_agent,
        "assignee": {"sub": thread.assignee, "name": thread.assignee_name or thread.assignee_email or ""} if thread.assignee else None,
        "preview": thread.preview or "",
        "private": bool(thread.has_private_note),
        "spam": bool(thread.spam),
        "last_message_at": thread.last_message_at,
        "customer_messages": int(thread.customer_messages or 0),
        "agent_messages": int(thread.agent_messages or 0),
        "unread": unread,
        "tags": sorted(thread.tags or ()),
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
        # Pending until this time, then open again (null: not snoozed).
        "snooze_until": thread.snooze_until if thread.status in ("pending1", "pending2") else None,
        "merged_from": [int(n) for n in (thread.merged_from or [])],
    }


def page_view(page: ThreadPage) -> dict[str, Any]:
    return {"threads": [thread_summary(thread, unread) for thread, unread in page.rows], "next_cursor": page.next_cursor}


def customer_view(card: CustomerCard | None) -> dict[str, Any] | None:
    """Customer since, validated orders and their total (money added as decimals, never floats)."""
    if card is None:
        return None
    validated = [o for o in card.orders if o.validated]
    total = Decimal("0")
    for order in validated:
        try:
            total += Decimal(order.total)
        except InvalidOperation:
            continue
    currencies = [o.currency for o in validated] or [o.currency for o in card.orders]
    return {
        "email": card.email,
        "name": card.name,
        "customer_id": card.customer_id or next((o.customer_id for o in card.orders if o.customer_id), None),
        "since": card.since,
        "validated_orders": len(validated),
        "validated_total": f"{total:.2f}",
        "currency": max(set(currencies), key=currencies.count) if currencies else None,
    }


def history_view(messages: list[Message], card: CustomerCard | None) -> list[dict[str, Any]]:
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
    for order in card.orders if card else ():
        if order.placed_at:
            entries.append(
                {"type": "order", "at": order.placed_at, "reference": order.reference, "total": order.total, "currency": order.currency, "validated": order.validated}
            )
        for change in order.history:
            entries.append({"type": "order_status", "at": change.at, "reference": order.reference, "status": change.status})
    # At the same instant an order comes before its status change, both before a message (read newest first).
    rank = {"order": 0, "order_status": 1, "message": 2}
    entries.sort(key=lambda e: (e["at"] or "", rank[e["type"]]), reverse=True)
    return entries


def screen_view(screen: ThreadScreen) -> dict[str, Any]:
    """GET /v1/threads/{number} (docs/api.md)."""
    thread, contact = screen.thread, screen.contact
    return {
        "thread": thread_detail(thread, unread=False),
        "messages": [message_view(m) for m in screen.messages],
        "customer": customer_view(screen.card),
        "contact": {
            "contact_id": thread.contact_id,
            "names": contact.names.as_dict() if contact else (thread.contact_names.as_dict() if thread.contact_names else {}),
            "email": contact.email if contact else thread.contact_email,
        },
        "history": history_view(screen.messages, screen.card),
        "default_reply": localized(screen.default_messages, thread.language) if screen.default_messages else "",
        "after_send_default": screen.after_send_default,
        "presence": [{"sub": p.agent_sub, "name": p.name or p.email or "", "state": p.state, "at": p.at} for p in screen.presence],
        "drafts": drafts_view(screen),
        "default_reply_language": default_reply_language(screen.default_messages, thread.language),
        "other_threads": [other_thread(t) for t in screen.other_threads],
        "orders": orders_view(screen.card),
    }


def default_reply_language(values: dict[str, str], lang: str) -> str | None:
    """The language of the default reply given (the page notes when it is not the thread's)."""
    if values.get(lang):
        return lang
    if values.get(config().default_language):
        return config().default_language
    return next((code for code, text in values.items() if text), None)


def drafts_view(screen: ThreadScreen) -> list[dict[str, Any]]:
    """The viewer's own drafts with their text (restored into the forms); colleagues' drafts
    only say who has one ("X has a draft"), never what it says."""
    shown = []
    for draft in sorted(screen.drafts, key=lambda d: d.updated_at):
        mine = draft.agent_sub == screen.viewer
        shown.append({"kind": draft.draft_kind, "agent": draft.agent, "mine": mine, "updated_at": draft.updated_at, "text": draft.text if mine else None})
    return shown


def draft_view(draft: Any, kind: str) -> dict[str, Any]:
    """The answer to a draft save: what is kept now (null text: nothing, the draft was discarded)."""
    if draft is None:
        return {"kind": kind, "saved": False, "updated_at": None}
    return {"kind": draft.draft_kind, "saved": True, "updated_at": draft.updated_at}


def other_thread(thread: Thread) -> dict[str, Any]:
    """A line of the customer's story: which thread, how it stands, what it is about, when."""
    return {
        "number": int(thread.number),
        "status": thread.status,
        "spam": bool(thread.spam),
        "preview": thread.preview or "",
        "order_ref": thread.order_ref,
        "contact_names": thread.contact_names.as_dict() if thread.contact_names else {},
        "created_at": thread.created_at,
        "last_message_at": thread.last_message_at,
    }


def orders_view(card: CustomerCard | None) -> list[dict[str, Any]]:
    """The customer's orders, newest first, each with its latest status."""
    orders = sorted(card.orders if card else (), key=lambda o: o.placed_at or "", reverse=True)
    return [
        {
            "reference": o.reference,
            "total": o.total,
            "currency": o.currency,
            "validated": bool(o.validated),
            "placed_at": o.placed_at,
            "status": max(o.history, key=lambda h: h.at).status if o.history else None,
        }
        for o in orders
    ]


def posted_view(posted: Posted) -> dict[str, Any]:
    """The answer to a reply, note or forward: the thread as it is now and the message written,
    so the page shows both without reading the thread again."""
    return {"thread": thread_detail(posted.thread), "message": message_view(posted.message)}


def thread_answer(thread: Thread) -> dict[str, Any]:
    """The answer to a status or spam change."""
    return {"thread": thread_detail(thread)}


def answered(action: Callable[[], Posted]) -> dict[str, Any]:
    """Runs a reply (or its retry) and shapes its answer; a reply SES refused leaves with the stored
    reply and the thread in its body, so the page shows it "not sent" with a retry."""
    try:
        return posted_view(action())
    except ReplyNotSent as refused:
        refused.payload = posted_view(refused.posted)
        raise
    except ReplyOutdated as outdated:
        outdated.payload = {"thread": thread_detail(outdated.thread), "new_messages": [message_view(m) for m in outdated.new_messages]}
        raise


def assigned_view(assigned: Assigned) -> dict[str, Any]:
    """The answer to a take, hand-over or release: the thread, and the hand-over's entry if any."""
    return {"thread": thread_detail(assigned.thread), "message": message_view(assigned.entry) if assigned.entry else None}


def bulk_view(outcome: BulkOutcome) -> dict[str, Any]:
    return {"done": outcome.done, "failed": [{"number": number, "code": code} for number, code in outcome.failed]}


def file_link_view(link: FileLink) -> dict[str, Any]:
    return asdict(link)
