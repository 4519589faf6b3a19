"""Snooze: a pending thread with a wake-up time waits in GSI10 (PK `WAKE`, SK
`<wake at>#<number>`, written from the thread's own fields by keys.index_keys), and comes back
open at that time, or at once when the customer writes (their message re-opens it as always).

Waking reads the due part of the list (one Query on GSI10, no Scan) and re-opens each thread in
one transaction conditional on it being still pending *with that same wake-up time*: two
overlapping runs wake a thread once (the second's condition fails and it moves on), and a thread
the customer or an agent changed meanwhile is left as it is, its stale index entry removed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pynamodb.exceptions import TransactWriteError, UpdateError

from shopdesk.core.errors import NotFound
from shopdesk.core.observability import logger
from shopdesk.core.thread_rules import now_iso
from shopdesk.store import keys
from shopdesk.store.agent_writes import change_status, claim_writes, read_mark
from shopdesk.store.assignment import assignee_is
from shopdesk.store.conditions import condition_failed
from shopdesk.store.counters import CounterDeltas, settle_oldest_open
from shopdesk.store.models import Thread, transaction
from shopdesk.store.thread_items import index_actions
from shopdesk.store.thread_reads import ThreadChanged, get_thread, read_change_context


@dataclass(frozen=True)
class Due:
    number: int
    wake_at: str


def snooze(number: int, status: str, until: str, reader: str | None = None) -> Thread:
    """Pending 1 or 2 until `until`: a status change with the wake-up time, or, already in that
    status, one UpdateItem of the time and its GSI10 keys."""
    thread = get_thread(number)
    if thread.status != status:
        return change_status(number, status, known=thread, reader=reader, snooze_until=until)
    thread.snooze_until = until
    mark, mark_condition = read_mark(thread, reader, now_iso())
    condition = Thread.pk.exists() & (Thread.status == status)
    try:
        Thread(*Thread.key(number)).update(
            actions=[Thread.snooze_until.set(until), *index_actions(thread), *mark],
            condition=condition & mark_condition if mark_condition is not None else condition,
        )
    except UpdateError as error:
        if not condition_failed(error):
            raise
        raise ThreadChanged() from None
    return thread


def due_threads(now: datetime | None = None, limit: int = 100) -> list[Due]:
    """The snoozed threads whose time has come, oldest first: one Query on GSI10 up to now."""
    moment = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
    upto = keys.wake_sort_key(moment, 9_999_999_999)
    found = Thread.gsi10.query(keys.wake_list(), Thread.gsi10sk <= upto, scan_index_forward=True, limit=limit)
    return [Due(int(t.number), str(t.snooze_until)) for t in found if t.snooze_until]


def wake(due: Due) -> bool:
    """Re-opens one due thread if it is still pending with that wake-up time (True: woken here)."""
    try:
        thread = get_thread(due.number)
    except NotFound:  # deleted meanwhile: nothing to wake
        return False
    if thread.status not in keys.PENDING or thread.snooze_until != due.wake_at:
        _drop_stale(thread, due)
        return False
    context = read_change_context(thread)
    old = thread.status
    thread.status, thread.snooze_until = "open", None
    deltas = CounterDeltas()
    deltas.status_change(thread.contact_id, old, "open", assignee=thread.assignee)
    try:
        with transaction() as writes:
            writes.update(
                Thread(*Thread.key(due.number)),
                actions=[Thread.status.set("open"), Thread.snooze_until.remove(), *index_actions(thread)],
                condition=Thread.pk.exists() & (Thread.status == old) & (Thread.snooze_until == due.wake_at) & assignee_is(thread.assignee),
            )
            claim_writes(writes, thread, "open", context)
            deltas.write(writes, datetime.now(UTC))
    except TransactWriteError as error:
        if not condition_failed(error):
            raise
        return False  # another run woke it, or someone changed it first
    settle_oldest_open(thread.contact_id, due.number, keys.list_sort_key(thread.last_message_at, due.number), deltas.applied_to(context.box))
    return True


def _drop_stale(thread: Thread, due: Due) -> None:
    """A thread that left pending another way (the customer wrote) keeps no wake-up entry."""
    if thread.status in keys.PENDING and thread.snooze_until and thread.snooze_until != due.wake_at:
        return  # re-snoozed to another time: its entry is already the new one
    try:
        Thread(*Thread.key(due.number)).update(
            actions=[Thread.snooze_until.remove(), Thread.gsi10pk.remove(), Thread.gsi10sk.remove()],
            condition=Thread.pk.exists() & (Thread.snooze_until == due.wake_at),
        )
    except UpdateError as error:
        if not condition_failed(error):
            raise


def wake_due(now: datetime | None = None) -> int:
    """Every due thread woken (what the scheduled run calls); one failure never stops the others."""
    woken = 0
    for due in due_threads(now):
        try:
            woken += wake(due)
        except Exception:
            logger.exception("snoozed thread not woken; the next run tries again", extra={"thread_number": due.number})
    return woken
