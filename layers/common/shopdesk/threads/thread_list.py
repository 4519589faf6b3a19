"""The thread list (SPEC §5): filters, search, newest first, cursor pagination, per-agent unread.

Every list is one Query on a key or an index (docs/data-model.md, "Thread list: which index
serves which filters"). When a list combines filters, the most selective index is queried and
the other filters become a FilterExpression; the Query continues until the page is full. The
cursor is the index's LastEvaluatedKey (of the last thread returned), base64-encoded JSON.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from shopdesk.core.errors import ShopdeskError
from shopdesk.core.i18n import register
from shopdesk.core.terms import query_terms
from shopdesk.core.thread_rules import is_status
from shopdesk.core.validation import Checker, is_valid_email
from shopdesk.store import keys
from shopdesk.store.models import Thread
from shopdesk.store.thread_lists import ListQuery, cursor_keys, list_page, thread_by_number
from shopdesk.threads.search import KEEP_ALL, search_page
from shopdesk.threads.tag_rules import normal_tag

register(
    {
        "invalid_cursor": {
            "en": "This page link is not valid any more. Please start again from the first page.",
            "es": "Este enlace de página ya no es válido. Vuelva a empezar desde la primera página.",
            "pl": "Ten link do strony jest już nieważny. Zacznij od pierwszej strony.",
        },
        "invalid_date": {
            "en": "Invalid date: use YYYY-MM-DD or an ISO-8601 date and time.",
            "es": "Fecha no válida: use AAAA-MM-DD o una fecha y hora ISO-8601.",
            "pl": "Nieprawidłowa data: użyj RRRR-MM-DD lub daty i godziny ISO-8601.",
        },
        "invalid_limit": {
            "en": "The page size must be a whole number from 1 to 100.",
            "es": "El tamaño de página debe ser un número entero de 1 a 100.",
            "pl": "Rozmiar strony musi być liczbą całkowitą od 1 do 100.",
        },
        "invalid_list_order": {
            "en": "The order must be “newest” or “oldest”.",
            "es": "El orden debe ser «newest» (más recientes) u «oldest» (más antiguas).",
            "pl": "Kolejność musi być „newest” (najnowsze) lub „oldest” (najstarsze).",
        },
    }
)

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
NUMBER_QUERY = re.compile(r"^#?\s*(\d{1,10})$")


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    contact: str | None = None
    language: str | None = None
    agent: str | None = None
    private: bool = False
    unread: bool = False
    date_from: str | None = None
    date_to: str | None = None
    q: str | None = None
    tag: str | None = None  # only threads with this tag (normalised)
    limit: int = DEFAULT_LIMIT
    cursor: dict[str, Any] | None = None
    order: str = "newest"  # by last message date: "newest" first (the default) or "oldest" first
    spam: bool = False  # the spam view: only threads marked as spam (they are out of the main list)


ORDERS = ("newest", "oldest")
# The status filter's one value that is not a status: every thread not closed (open or pending),
# what the views "Mine", "Unassigned" and "Everyone's" count and show.
NOT_CLOSED = "active"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _date_bound(check: Checker, field: str, value: str | None, end: bool) -> str | None:
    """A sortable ISO bound: a bare date means the start (from) or the end (to) of that day, UTC."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            moment = datetime.combine(day, time.max if end else time.min, tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except ValueError:
        check.fail(field, "invalid_date")
        return None
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def decode_cursor(raw: str | None) -> dict[str, Any] | None:
    if not raw:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (ValueError, binascii.Error):
        raise ShopdeskError("invalid_cursor") from None
    valid = isinstance(key, dict) and all(
        isinstance(name, str) and isinstance(value, dict) and set(value) <= {"S", "N"} and all(isinstance(v, str) for v in value.values())
        for name, value in key.items()
    )
    if not valid:
        raise ShopdeskError("invalid_cursor")
    return key


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=") if key else None


def parse_filters(params: dict[str, str] | None) -> Filters:
    """The query string of GET /v1/threads, checked (every error at once)."""
    params = params or {}
    check = Checker()
    status = params.get("status") or None
    if status is not None and not is_status(status) and status != NOT_CLOSED:
        check.fail("status", "invalid_status")
    language = params.get("language") or None
    limit_raw = params.get("limit") or str(DEFAULT_LIMIT)
    limit = int(limit_raw) if limit_raw.isdigit() else 0
    if not 1 <= limit <= MAX_LIMIT:
        check.fail("limit", "invalid_limit")
    date_from = _date_bound(check, "from", params.get("from"), end=False)
    date_to = _date_bound(check, "to", params.get("to"), end=True)
    order = params.get("order") or "newest"
    if order not in ORDERS:
        check.fail("order", "invalid_list_order")
    check.done()
    return Filters(
        status=status,
        contact=params.get("contact") or None,
        language=language,
        agent=(params.get("agent") or "").strip() or None,  # the assignee's sub, or "-": no one
        private=_flag(params.get("private")),
        unread=_flag(params.get("unread")),
        date_from=date_from,
        date_to=date_to,
        q=(params.get("q") or "").strip() or None,
        tag=normal_tag(params.get("tag") or "") or None,
        limit=limit,
        cursor=decode_cursor(params.get("cursor")),
        order=order,
        spam=_flag(params.get("spam")),
    )


# --- unread, per agent ---------------------------------------------------------------------------


def read_at(thread: Thread, agent_sub: str) -> str | None:
    """When this agent last opened the thread (on the thread item: `read_by`)."""
    read_by = thread.read_by.as_dict() if hasattr(thread.read_by, "as_dict") else dict(thread.read_by or {})
    value = read_by.get(agent_sub)
    return value if isinstance(value, str) else None


def is_unread(thread: Thread, agent_sub: str) -> bool:
    """Unread for this agent: never opened, or the customer wrote since they last opened it."""
    seen = read_at(thread, agent_sub)
    return seen is None or seen < (thread.last_customer_message_at or "")


# --- choosing the index --------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Which index a list reads and which filters it applies to what that index returns."""

    index: int | None  # 1..9; None for a search by number (a GetItem)
    partition: str
    by_date: bool  # the index's sort key is the last message date (all but GSI8)
    begins_with: str | None = None
    filtered: tuple[str, ...] = ()


def plan(filters: Filters) -> Plan:
    """The most selective index for these filters (docs/data-model.md lists every combination)."""
    q = filters.q
    if q and NUMBER_QUERY.match(q):
        return Plan(None, "", by_date=False, filtered=_others(filters, ()))
    if q and is_valid_email(q):
        return Plan(7, keys.email_list(q), True, filtered=_others(filters, ()))
    if q:
        return Plan(8, keys.name_list(q), False, begins_with=keys.normalized_name(q), filtered=_others(filters, ()))
    if filters.spam:  # spam is its own list; the other filters narrow it
        return Plan(1, keys.spam_list(), True, filtered=_others(filters, ()))
    served_status = filters.status if filters.status != NOT_CLOSED else None  # an index per status, none for "not closed"
    if filters.contact and served_status:
        return Plan(4, keys.contact_status_list(filters.contact, filters.status), True, filtered=_others(filters, ("contact", "status")))
    if filters.agent:
        return Plan(6, keys.agent_list(filters.agent), True, filtered=_others(filters, ("agent",)))
    if filters.private:
        return Plan(9, keys.private_list(), True, filtered=_others(filters, ("private",)))
    if filters.contact:
        return Plan(3, keys.contact_list(filters.contact), True, filtered=_others(filters, ("contact",)))
    if served_status:
        return Plan(2, keys.status_list(filters.status), True, filtered=_others(filters, ("status",)))
    if filters.language:
        return Plan(5, keys.language_list(filters.language), True, filtered=_others(filters, ("language",)))
    return Plan(1, keys.all_list(), True, filtered=_others(filters, ()))


def _others(filters: Filters, served: tuple[str, ...]) -> tuple[str, ...]:
    wanted = [
        name
        for name, on in (
            ("status", filters.status),
            ("contact", filters.contact),
            ("language", filters.language),
            ("agent", filters.agent),
            ("private", filters.private),
            ("dates", filters.date_from or filters.date_to),
        )
        if on
    ]
    return tuple(name for name in wanted if name not in served)


def _matches(thread: Thread, filters: Filters) -> bool:
    """The same filters in Python, for the search by number (a GetItem has no FilterExpression)."""
    return (
        (not filters.status or thread.status == filters.status or (filters.status == NOT_CLOSED and thread.status != "closed"))
        and (not filters.contact or thread.contact_id == filters.contact)
        and (not filters.language or thread.language == filters.language)
        and (not filters.agent or (thread.assignee or keys.UNASSIGNED) == filters.agent)
        and (not filters.private or bool(thread.has_private_note))
        and (not filters.date_from or thread.last_message_at >= filters.date_from)
        and (not filters.date_to or thread.last_message_at <= filters.date_to)
        and (not filters.tag or filters.tag in set(thread.tags or ()))
        and (not filters.spam or bool(thread.spam))
    )


@dataclass
class ThreadPage:
    """A page of the list: each thread with whether it is unread for the caller, and the cursor."""

    rows: list[tuple[Thread, bool]] = field(default_factory=list)
    next_cursor: str | None = None


def list_threads(agent_sub: str, params: dict[str, str] | None) -> ThreadPage:
    """GET /v1/threads: a page of threads, newest (or oldest) first, and the next page's cursor."""
    filters = parse_filters(params)
    words = query_terms(filters.q) if filters.q and not NUMBER_QUERY.match(filters.q) and not is_valid_email(filters.q) else []
    if filters.q and not NUMBER_QUERY.match(filters.q) and not is_valid_email(filters.q) and not words:
        return ThreadPage()  # nothing searchable in the query (punctuation only)
    if words or filters.tag:
        return _search(agent_sub, filters, words)
    chosen = plan(filters)
    if chosen.index is None:
        return _by_number(agent_sub, filters)
    if filters.cursor is not None and set(filters.cursor) != cursor_keys(chosen.index):
        raise ShopdeskError("invalid_cursor")
    on = set(chosen.filtered)
    sort_from = sort_to = None
    if chosen.by_date and chosen.begins_with is None and (filters.date_from or filters.date_to):
        sort_from = filters.date_from
        sort_to = (filters.date_to + "~") if filters.date_to else None  # "~" sorts after "#<number>": the whole last second counts
    dates_filtered = "dates" in on and not chosen.by_date
    query = ListQuery(
        index=chosen.index,
        partition=chosen.partition,
        limit=filters.limit,
        begins_with=chosen.begins_with,
        sort_from=sort_from,
        sort_to=sort_to,
        status=filters.status if "status" in on and filters.status != NOT_CLOSED else None,
        not_closed="status" in on and filters.status == NOT_CLOSED,
        contact=filters.contact if "contact" in on else None,
        language=filters.language if "language" in on else None,
        agent=filters.agent if "agent" in on else None,
        private="private" in on,
        date_from=filters.date_from if dates_filtered else None,
        date_to=filters.date_to if dates_filtered else None,
        unread_for=agent_sub if filters.unread else None,
        # Newest first unless asked for the oldest first; a name search always goes in name order.
        forward=not chosen.by_date or filters.order == "oldest",
        cursor=filters.cursor,
    )
    page, next_key = list_page(query)
    return ThreadPage([(t, is_unread(t, agent_sub)) for t in page], encode_cursor(next_key))


def _search(agent_sub: str, filters: Filters, words: list[str]) -> ThreadPage:
    """Words of messages, subjects, names, addresses, order references (threads/search.py), or a
    tag, with the other filters checked on each thread (`spam=true`: only spam); by last message
    while the matches fit the search's bound, else by thread number (threads/search.py)."""

    def keep(thread: Thread) -> bool:
        return _matches(thread, filters) and (not filters.unread or is_unread(thread, agent_sub))

    filtered = any(_others(filters, ())) or filters.unread or filters.spam
    found, next_key = search_page(words, filters.tag, filters.limit, filters.order == "oldest", filters.cursor, keep if filtered else KEEP_ALL)
    return ThreadPage([(t, is_unread(t, agent_sub)) for t in found], encode_cursor(next_key))


def _by_number(agent_sub: str, filters: Filters) -> ThreadPage:
    number = int(NUMBER_QUERY.match(filters.q or "")[1])  # type: ignore[index]
    if filters.cursor is not None:
        return ThreadPage()
    thread = thread_by_number(number)
    if thread is None or not _matches(thread, filters):
        return ThreadPage()
    unread = is_unread(thread, agent_sub)
    if filters.unread and not unread:
        return ThreadPage()
    return ThreadPage([(thread, unread)])
