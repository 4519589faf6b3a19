"""The list screen's top half (SPEC §5): one box per contact that saves messages, the six
statistics and the three indicators, read from counters, never counted on read.

Requests: one Query on PK=STATS returns it all: the global counters, one item per contact with its
open threads and its box (names, "saves messages", position: mirrored there by contacts.py in
the contact's own transactions), and the daily aggregates (they expire after 40 days, so the
partition stays small). Each box's link, its oldest open thread, is on the same item
(`oldest_open`, kept by the thread transactions when threads open, close, move or go). So the
dashboard is one request whatever the number of threads (docs/data-model.md, patterns 9 and 10).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from shopdesk.store import keys
from shopdesk.store.contacts import all_contacts
from shopdesk.store.counters import dashboard_items, oldest_open_thread
from shopdesk.store.models import Stats
from shopdesk.store.thread_lists import contact_has_threads

WINDOW_DAYS = 30


@dataclass(frozen=True)
class Box:
    contact_id: str
    names: dict[str, str]
    open: int
    oldest_open_thread: int | None


@dataclass(frozen=True)
class Statistics:
    threads_total: int
    threads_pending: int
    customer_messages: int
    agent_messages: int
    unread: int
    closed: int


@dataclass(frozen=True)
class Indicators:
    pending_discussions: int
    average_response_seconds: int | None
    messages_per_closed_thread: float | None


@dataclass(frozen=True)
class AgentLoad:
    sub: str
    name: str
    active: int  # threads assigned to the agent that are not closed


@dataclass(frozen=True)
class Assignment:
    """The list's views "Everyone's", "Unassigned" and each agent's ("Mine"): threads not closed.
    Unassigned is everyone's less the assigned ones, so threads older than ownership count there
    without a migration."""

    everyone: int = 0
    unassigned: int = 0
    agents: list[AgentLoad] = field(default_factory=list)


@dataclass(frozen=True)
class FormerContact:
    """A deleted contact that threads still carry: the list can still filter by it."""

    contact_id: str
    names: dict[str, str]


@dataclass(frozen=True)
class Dashboard:
    boxes: list[Box] = field(default_factory=list)
    statistics: Statistics | None = None
    indicators: Indicators | None = None
    assignment: Assignment = field(default_factory=Assignment)
    former_contacts: list[FormerContact] = field(default_factory=list)


def _former_contacts(per_contact: dict[str, Stats]) -> list[FormerContact]:
    """Deleted contacts (their STATS item keeps their names, `contact_exists` false) that threads
    still carry: one `Limit 1` Query of GSI3 each, side by side; none when no contact was deleted."""
    deleted = sorted((cid, item.names.as_dict() if item.names else {}) for cid, item in per_contact.items() if item.contact_exists is False)
    if not deleted:
        return []
    with ThreadPoolExecutor(max_workers=4) as pool:
        carried = list(pool.map(contact_has_threads, [cid for cid, _ in deleted]))
    return [FormerContact(cid, names) for (cid, names), has in zip(deleted, carried, strict=True) if has]


def _figure(item: Stats | None, name: str) -> int:
    return int(getattr(item, name, 0) or 0) if item is not None else 0


def _boxed_contacts(per_contact: dict[str, Stats]) -> dict[str, tuple[dict[str, str], int]]:
    """The contacts that save messages, by position: their names and open threads, from the STATS
    items that mirror them. A shop whose contacts were never mirrored (none yet: the first
    start seeds them) is read from PK=CONTACTS instead."""
    mirrored = [(cid, item) for cid, item in per_contact.items() if item.contact_exists is not None]
    if not mirrored:
        return {
            c.contact_id: (c.names.as_dict(), max(0, _figure(per_contact.get(c.contact_id), "open")))
            for c in all_contacts()
            if c.save_messages
        }
    shown = sorted(
        ((cid, item) for cid, item in mirrored if item.contact_exists and item.save_messages),
        key=lambda pair: (int(pair[1].position or 0), pair[0]),
    )
    return {cid: (item.names.as_dict() if item.names else {}, max(0, _figure(item, "open"))) for cid, item in shown}


def _link(item: Stats | None) -> int | None:
    return int(item.oldest_open) if item is not None and item.oldest_open is not None else None


def dashboard(today: datetime | None = None) -> Dashboard:
    """Boxes, statistics and indicators of GET /v1/dashboard."""
    today = (today or datetime.now(UTC)).astimezone(UTC)
    first_day = (today.date() - timedelta(days=WINDOW_DAYS - 1)).isoformat()
    global_item: Stats | None = None
    per_contact: dict[str, Stats] = {}
    days: list[Stats] = []
    loads: list[AgentLoad] = []
    for item in dashboard_items():
        contact_id, day = keys.contact_of_stats(item.sk), keys.day_of_stats(item.sk)
        agent_sub = keys.agent_of_stats(item.sk)
        if agent_sub is not None:
            loads.append(AgentLoad(agent_sub, getattr(item, "name", None) or "", max(0, _figure(item, "active"))))
        elif (item.pk, item.sk) == keys.stats_global_key():
            global_item = item
        elif contact_id is not None:
            per_contact[contact_id] = item
        elif day is not None and day >= first_day:
            days.append(item)

    boxed = _boxed_contacts(per_contact)
    links = {cid: _link(per_contact.get(cid)) for cid, (_, count) in boxed.items() if count}
    missing = [cid for cid, link in links.items() if link is None]
    if missing:  # items written before the link was kept on them: read it, side by side
        with ThreadPoolExecutor(max_workers=4) as pool:
            links.update(zip(missing, pool.map(oldest_open_thread, missing), strict=True))
    boxes = [Box(contact_id, names, count, links.get(contact_id)) for contact_id, (names, count) in boxed.items()]

    pending = _figure(global_item, "threads_pending1") + _figure(global_item, "threads_pending2")
    everyone = _figure(global_item, "threads_open") + pending
    loads.sort(key=lambda load: (load.name.lower(), load.sub))
    assignment = Assignment(everyone, max(0, everyone - sum(load.active for load in loads)), [load for load in loads if load.active])
    responses = sum(_figure(d, "first_response_count") for d in days)
    response_seconds = sum(_figure(d, "first_response_seconds") for d in days)
    closed = sum(_figure(d, "closed_threads") for d in days)
    closed_messages = sum(_figure(d, "closed_thread_messages") for d in days)
    return Dashboard(
        boxes=boxes,
        former_contacts=_former_contacts(per_contact),
        statistics=Statistics(
            threads_total=_figure(global_item, "threads_total"),
            threads_pending=pending,
            customer_messages=_figure(global_item, "customer_messages"),
            agent_messages=_figure(global_item, "agent_messages"),
            unread=_figure(global_item, "threads_open"),
            closed=_figure(global_item, "threads_closed"),
        ),
        indicators=Indicators(
            pending_discussions=pending,
            average_response_seconds=round(response_seconds / responses) if responses else None,
            messages_per_closed_thread=round(closed_messages / closed, 2) if closed else None,
        ),
        assignment=assignment,
    )
