"""Threads and their messages: the store's face for every room that changes or reads a thread.

Every write that touches a thread goes through the store, so the dashboard counters (STATS
items), the open-thread claims and the thread-list index keys stay consistent: each change is one
DynamoDB transaction (docs/data-model.md). The work is done in `customer_messages` (the form and
mail), `agent_writes` (what agents do), `thread_reads`, `counters` and `keys`; this module keeps
the names the other rooms call, and holds the changes that touch a thread as a whole (deletion,
the read mark, the spam flag, a contact's names)."""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.exceptions import TransactWriteError, UpdateError

from shopdesk.core.thread_rules import STATUSES, new_token, now_iso, preview_of, same_token
from shopdesk.store import keys
from shopdesk.store.agent_writes import (
    AgentMessage,
    change_status,
    reply_delivered,
    reply_not_delivered,
    settle_moved,
    store_agent_message,
)
from shopdesk.store.assignment import assignee_is
from shopdesk.store.conditions import ATTEMPTS, condition_failed
from shopdesk.store.counters import CounterDeltas, settle_oldest_open
from shopdesk.store.customer_messages import (
    CustomerMessage,
    ExtraWrites,
    Stored,
    allocate_thread_number,
    reserve_thread_numbers,
    store_customer_message,
)
from shopdesk.store.keys import list_sort_key, normalized_name
from shopdesk.store.models import ShopdeskItem, Thread, transaction
from shopdesk.store.search_index import index_items
from shopdesk.store.tags import change_tags, tag_counts, tagged_threads, untag_deleted
from shopdesk.store.thread_items import apply_index_keys, index_actions
from shopdesk.store.thread_reads import (
    ChangeContext,
    ThreadChanged,
    ThreadMerged,
    find_message,
    follow_merges,
    get_claim,
    get_thread,
    iter_thread_items,
    read_change_context,
    thread_partition,
)

__all__ = [
    "ATTEMPTS",
    "STATUSES",
    "AgentMessage",
    "ChangeContext",
    "CounterDeltas",
    "CustomerMessage",
    "ExtraWrites",
    "Stored",
    "Thread",
    "ThreadChanged",
    "ThreadMerged",
    "allocate_thread_number",
    "apply_index_keys",
    "change_status",
    "change_tags",
    "delete_thread",
    "find_message",
    "follow_merges",
    "get_thread",
    "iter_thread_items",
    "keep_contact_names",
    "list_sort_key",
    "mark_read",
    "new_token",
    "normalized_name",
    "now_iso",
    "preview_of",
    "read_change_context",
    "reply_delivered",
    "reply_not_delivered",
    "reserve_thread_numbers",
    "set_spam",
    "settle_moved",
    "settle_oldest_open",
    "store_agent_message",
    "store_customer_message",
    "tag_counts",
    "tagged_threads",
    "thread_partition",
    "token_matches",
]


def token_matches(thread: Thread, token: str | None) -> bool:
    """Whether a visitor's token is this thread's (the form and mail continue a thread with it)."""
    return same_token(thread.token, token)


def keep_contact_names(contact_id: str, names: dict[str, str]) -> int:
    """Writes a contact's current names onto each of its threads (before the contact goes, or
    when it is renamed), so the threads and the list show them without reading the contact
    (SPEC §2). One Query on GSI3 (the contact's thread list); a thread deleted meanwhile is
    skipped. Returns how many threads were updated."""
    updated = 0
    for summary in Thread.gsi3.query(keys.contact_list(contact_id)):
        if not isinstance(summary, Thread):
            continue
        try:
            Thread(*Thread.key(int(summary.number))).update(actions=[Thread.contact_names.set(dict(names))], condition=Thread.pk.exists())
        except UpdateError as error:
            if not condition_failed(error):
                raise
            continue
        updated += 1
    return updated


def delete_thread(number: int) -> None:
    """Deletes a thread, its messages and their files, and takes it out of every counter.

    The files go first (a failure leaves the thread in place, to be deleted again), then one
    transaction removes the thread item with its counters and claim, then the messages go by
    BatchWriteItem. The 30-day aggregates are history (what was answered and closed) and stay.
    """
    from shopdesk.store.attachments import delete_files
    from shopdesk.store.drafts import delete_drafts
    from shopdesk.store.thread_reads import thread_partition_items

    whole = thread_partition_items(number, include_merged=True)
    thread, messages, drafts = whole.thread, whole.messages, whole.drafts
    delete_files([a.key for m in messages for a in (m.attachments or [])])
    if thread.merged_into is not None:  # a merge's tombstone counts nowhere: only its items go
        with ShopdeskItem.batch_write() as batch:  # (and any search item a merge cut short left)
            for item in [thread, *messages, *index_items(thread, messages)]:
                batch.delete(item)
        return
    deltas = CounterDeltas()
    deltas.add(deltas.global_, "threads_total", -1)
    deltas.add(deltas.global_, "customer_messages", -int(thread.customer_messages))
    deltas.add(deltas.global_, "agent_messages", -int(thread.agent_messages))
    deltas.status_change(thread.contact_id, thread.status, None, assignee=thread.assignee)
    claim = get_claim(thread.email, thread.contact_id, thread.order_ref)
    try:
        with transaction() as writes:
            writes.delete(
                Thread(*Thread.key(number)),
                condition=Thread.pk.exists()
                & (Thread.status == thread.status)
                & (Thread.last_message_at == thread.last_message_at)
                & assignee_is(thread.assignee),
            )
            if claim is not None and int(claim.number) == number:
                writes.delete(claim)
            deltas.write(writes, datetime.now(UTC))
            untag_deleted(writes, thread)
    except TransactWriteError as error:
        if not condition_failed(error):
            raise
        raise ThreadChanged() from None
    if thread.status == "open":
        settle_oldest_open(thread.contact_id, number, None)
    with ShopdeskItem.batch_write() as batch:  # its messages, and its search and tag items
        for item in [*messages, *index_items(thread, messages)]:
            batch.delete(item)
    delete_drafts(drafts)


def mark_read(agent_sub: str, number: int, card: tuple[str, str] | None = None) -> str:
    """The agent opened the thread: unread is per agent, kept on the thread as `read_by.<sub>`.

    One UpdateItem that sets only that path, so it never overwrites what a concurrent thread
    transaction writes. A thread stored before `read_by` existed gets the map first (conditional
    on its absence, so two agents opening it at once both keep their time). A thread deleted
    meanwhile needs no mark. `card`: the customer's card (text, read at) the view had to read,
    kept on the thread in the same write unless a newer copy landed meanwhile.
    """
    read_at = now_iso()
    thread = Thread(*Thread.key(number))
    card_actions = [Thread.customer_card.set(card[0]), Thread.customer_card_at.set(card[1])] if card else []
    card_condition = Thread.customer_card_at.does_not_exist() | (Thread.customer_card_at < card[1]) if card else None
    attempts = [
        ([Thread.read_by[agent_sub].set(read_at)], Thread.pk.exists() & Thread.read_by.exists()),
        ([Thread.read_by.set({agent_sub: read_at})], Thread.pk.exists() & Thread.read_by.does_not_exist()),
    ]
    if card_condition is not None:  # first with the card; a newer copy makes it fall back to the mark alone
        attempts = [(actions + card_actions, condition & card_condition) for actions, condition in attempts] + attempts
    for actions, condition in (*attempts, attempts[0]):
        try:
            thread.update(actions=actions, condition=condition)
            return read_at
        except UpdateError as error:
            if not condition_failed(error):
                raise
    return read_at


def set_spam(number: int, spam: bool) -> Thread:
    """Marking closes the thread and flags it in one write (change_status, counters and claim with
    it), moving it from the main list (GSI1 `TL#ALL`) to the spam list (`TL#SPAM`); unmarking
    clears the flag and puts it back in the main list: the thread stays closed."""
    if spam:
        thread = change_status(number, "closed", spam=True)
    else:
        thread = get_thread(number)
        if thread.spam:
            thread.spam = False  # back in the main list
            Thread(*Thread.key(number)).update(actions=[Thread.spam.set(False), *index_actions(thread)], condition=Thread.pk.exists())
    thread.spam = spam
    return thread
