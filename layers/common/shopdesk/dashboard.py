"""The list screen's top half (SPEC §5): one box per contact that saves messages, the six
statistics and the three indicators, read from counters, never counted on read.

Requests: one Query on PK=STATS (the global counters, one item per contact with its open count,
and the daily aggregates, which expire after 40 days so the partition stays small), one Query on
PK=CONTACTS (the boxes' names and which contacts save messages: a shop has a handful), and, for
each box that has open threads, one `Limit 1` Query on GSI4 for the oldest open thread to link
to. A shop whose boxes are all empty costs two requests; each figure costs the same whatever the
number of threads (docs/data-model.md, access patterns 9 and 10).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shopdesk.contacts import all_contacts
from shopdesk.models import Stats, Thread

WINDOW_DAYS = 30


def _figure(item: Stats | None, name: str) -> int:
    return int(getattr(item, name, 0) or 0) if item is not None else 0


def oldest_open_thread(contact_id: str) -> int | None:
    """GSI4 `TL#CS#<contact>#open` read forwards, one item: the thread waiting longest."""
    for thread in Thread.gsi4.query(f"TL#CS#{contact_id}#open", scan_index_forward=True, limit=1):
        return int(thread.number)
    return None


def dashboard(today: datetime | None = None) -> dict[str, Any]:
    """Boxes, statistics and indicators, in the shape docs/api.md gives GET /v1/dashboard."""
    today = (today or datetime.now(UTC)).astimezone(UTC)
    first_day = (today.date() - timedelta(days=WINDOW_DAYS - 1)).isoformat()
    global_item: Stats | None = None
    per_contact: dict[str, Stats] = {}
    days: list[Stats] = []
    for item in Stats.query("STATS"):
        if item.sk == "GLOBAL":
            global_item = item
        elif item.sk.startswith("CONTACT#"):
            per_contact[item.sk.removeprefix("CONTACT#")] = item
        elif item.sk.startswith("DAY#") and item.sk.removeprefix("DAY#") >= first_day:
            days.append(item)

    boxes = []
    for contact in all_contacts():
        if not contact.save_messages:
            continue
        open_count = max(0, _figure(per_contact.get(contact.contact_id), "open"))
        boxes.append(
            {
                "contact_id": contact.contact_id,
                "names": contact.names.as_dict(),
                "open": open_count,
                "oldest_open_thread": oldest_open_thread(contact.contact_id) if open_count else None,
            }
        )

    pending = _figure(global_item, "threads_pending1") + _figure(global_item, "threads_pending2")
    responses = sum(_figure(d, "first_response_count") for d in days)
    response_seconds = sum(_figure(d, "first_response_seconds") for d in days)
    closed = sum(_figure(d, "closed_threads") for d in days)
    closed_messages = sum(_figure(d, "closed_thread_messages") for d in days)
    return {
        "boxes": boxes,
        "statistics": {
            "threads_total": _figure(global_item, "threads_total"),
            "threads_pending": pending,
            "customer_messages": _figure(global_item, "customer_messages"),
            "agent_messages": _figure(global_item, "agent_messages"),
            "unread": _figure(global_item, "threads_open"),
            "closed": _figure(global_item, "threads_closed"),
        },
        "indicators": {
            "pending_discussions": pending,
            "average_response_seconds": round(response_seconds / responses) if responses else None,
            "messages_per_closed_thread": round(closed_messages / closed, 2) if closed else None,
        },
    }
