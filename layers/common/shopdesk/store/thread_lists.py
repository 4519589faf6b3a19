"""The thread list's Queries: one Query on the index the filters chose (docs/data-model.md, "Thread
list: which index serves which filters"), the other filters as a FilterExpression, and the open
threads either side of one thread. The `threads` room decides which list; this module reads it."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any

from pynamodb.expressions.condition import Condition

from shopdesk.store import keys
from shopdesk.store.models import Thread

# A filtered Query reads this many items per request (a few pages' worth) while it fills a page.
FILTERED_PAGE_SIZE = 100


@dataclass(frozen=True)
class ListQuery:
    """One page of one list: the index and partition, the sort-key range, the filters left to a
    FilterExpression, the direction, where to resume and how many threads."""

    index: int
    partition: str
    limit: int
    begins_with: str | None = None
    sort_from: str | None = None
    sort_to: str | None = None
    status: str | None = None
    not_closed: bool = False  # any status but closed (the views' lists: what is still to do)
    contact: str | None = None
    language: str | None = None
    agent: str | None = None
    private: bool = False
    date_from: str | None = None  # filtered on `last_message_at` (an index not sorted by date)
    date_to: str | None = None
    unread_for: str | None = None  # the agent's sub: only threads unread for them
    forward: bool = False
    cursor: dict[str, Any] | None = None


def cursor_keys(index: int) -> set[str]:
    """The key names a resumed Query of this index carries (anything else is not our cursor)."""
    return {"PK", "SK", f"GSI{index}PK", f"GSI{index}SK"}


def _condition(query: ListQuery) -> Condition | None:
    conditions: list[Condition] = []
    if query.status:
        conditions.append(Thread.status == query.status)
    if query.not_closed:
        conditions.append(Thread.status != "closed")
    if query.contact:
        conditions.append(Thread.contact_id == query.contact)
    if query.language:
        conditions.append(Thread.language == query.language)
    if query.agent:  # the assignee (`-`: no one)
        conditions.append(Thread.assignee.does_not_exist() if query.agent == keys.UNASSIGNED else Thread.assignee == query.agent)
    if query.private:
        conditions.append(Thread.has_private_note == True)  # noqa: E712
    if query.date_from:
        conditions.append(Thread.last_message_at >= query.date_from)
    if query.date_to:
        conditions.append(Thread.last_message_at <= query.date_to)
    if query.unread_for:
        # Unread for this agent: DynamoDB compares the two attributes of each item.
        seen = Thread.read_by[query.unread_for]
        conditions.append(seen.does_not_exist() | (seen < Thread.last_customer_message_at))
    combined: Condition | None = None
    for condition in conditions:
        combined = condition if combined is None else combined & condition
    return combined


def list_page(query: ListQuery) -> tuple[list[Thread], dict[str, Any] | None]:
    """The page and the key that resumes right after its last thread (None: no next page)."""
    index = getattr(Thread, f"gsi{query.index}")
    sort_attr = getattr(Thread, f"gsi{query.index}sk")
    range_condition: Condition | None = None
    if query.begins_with is not None:
        range_condition = sort_attr.startswith(query.begins_with)
    elif query.sort_from and query.sort_to:
        range_condition = sort_attr.between(query.sort_from, query.sort_to)
    elif query.sort_from:
        range_condition = sort_attr >= query.sort_from
    elif query.sort_to:
        range_condition = sort_attr <= query.sort_to
    condition = _condition(query)
    results = index.query(
        query.partition,
        range_condition,
        filter_condition=condition,
        scan_index_forward=query.forward,
        last_evaluated_key=query.cursor,
        # Unfiltered: the page and one more thread (so the last page says there is no next one);
        # filtered: 100 items a request.
        page_size=FILTERED_PAGE_SIZE if condition is not None else query.limit + 1,
    )
    rows = iter(results)
    page = list(islice(rows, query.limit))
    if condition is None:
        more = len(page) == query.limit and next(rows, None) is not None
    else:
        more = len(page) == query.limit  # a full filtered page: the next one may be empty
    return page, (_key_of(page[-1], query.index) if more else None)


def _key_of(thread: Thread, index: int) -> dict[str, Any]:
    """The LastEvaluatedKey that resumes the Query right after `thread` on this index."""
    return {
        "PK": {"S": thread.pk},
        "SK": {"S": thread.sk},
        f"GSI{index}PK": {"S": getattr(thread, f"gsi{index}pk")},
        f"GSI{index}SK": {"S": getattr(thread, f"gsi{index}sk")},
    }


def thread_by_number(number: int) -> Thread | None:
    """The search by number: one GetItem (eventually consistent, like the list's Queries)."""
    try:
        return Thread.get(*Thread.key(number))
    except Thread.DoesNotExist:
        return None


def newer_open(thread: Thread) -> int | None:
    """The open thread just newer than this one in the list (GSI2 `TL#S#open`, one `Limit 1` Query)."""
    sort = keys.list_sort_key(thread.last_message_at, int(thread.number))
    return next((int(t.number) for t in Thread.gsi2.query(keys.status_list("open"), Thread.gsi2sk > sort, scan_index_forward=True, limit=1)), None)


def older_open(thread: Thread) -> int | None:
    """The open thread just older than this one (the same index read backwards)."""
    sort = keys.list_sort_key(thread.last_message_at, int(thread.number))
    return next((int(t.number) for t in Thread.gsi2.query(keys.status_list("open"), Thread.gsi2sk < sort, scan_index_forward=False, limit=1)), None)


def contact_has_threads(contact_id: str) -> bool:
    """Whether any thread carries this contact: one `Limit 1` Query on GSI3 `TL#C#<id>` (a deleted
    contact stays a filter of the list while it does)."""
    for _ in Thread.gsi3.query(keys.contact_list(contact_id), limit=1):
        return True
    return False

