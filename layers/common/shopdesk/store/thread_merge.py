"""Merging two threads of one customer, and splitting a message off into a thread of its own
(docs/data-model.md, "Merge and split").

Merge: one transaction changes both thread items (the target takes the other's counts, last
message, status and list keys; the other becomes a tombstone: status "merged", `merged_into`, no
list keys), the open-thread claims and the counters, and writes the history line; then the
other's messages are copied into the target's partition (same sort keys) and deleted from the old
one, by BatchWriteItem. A merge cut short after its transaction is finished by asking for it again.
The old number keeps forwarding: the thread view, the form's continue link and answers to its
mails (MAILID items still name it) follow the tombstone (thread_reads.follow_merges).

Split: one message (only that message: the answer an agent wants to give it on its own) leaves
for a new thread of the same customer, contact and order, open; one transaction writes the new
thread, the old thread's recounted fields, the moved message and the counters, then the message
leaves the old partition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from shopdesk.core.errors import NotFound, Unprocessable
from shopdesk.core.i18n import register
from shopdesk.core.thread_rules import new_token, now_iso, preview_of
from shopdesk.store import keys
from shopdesk.store.conditions import ATTEMPTS, condition_failed
from shopdesk.store.counters import CounterDeltas, settle_oldest_open
from shopdesk.store.customer_messages import allocate_thread_number
from shopdesk.store.models import Message, OpenThreadClaim, TagCount, TagMember, Thread, transaction
from shopdesk.store.search_index import carry_terms, file_rest, file_terms, message_terms, thread_terms, unfile_terms
from shopdesk.store.table import INDEX_COUNT
from shopdesk.store.thread_items import apply_index_keys, index_actions
from shopdesk.store.thread_reads import ThreadChanged, ThreadMerged, get_claim, thread_partition

register(
    {
        "merge_same_thread": {
            "en": "A thread cannot be merged into itself.",
            "es": "Una conversación no se puede unir consigo misma.",
            "pl": "Nie można scalić wątku z nim samym.",
        },
        "merge_other_customer": {
            "en": "Only threads of the same customer (the same e-mail address) can be merged.",
            "es": "Solo se pueden unir conversaciones del mismo cliente (la misma dirección de correo).",
            "pl": "Scalać można tylko wątki tego samego klienta (ten sam adres e-mail).",
        },
        "split_only_message": {
            "en": "This is the thread's only message: there is nothing to split it from.",
            "es": "Es el único mensaje de la conversación: no hay nada de lo que separarlo.",
            "pl": "To jedyna wiadomość w wątku: nie ma od czego jej oddzielić.",
        },
    }
)

LIST_KEYS = [f"gsi{n}{part}" for n in range(1, INDEX_COUNT + 1) for part in ("pk", "sk")]  # a tombstone is in no list, no wake-up
MERGE_SOURCE = "merge"  # the history line a merge leaves in the target (author "system")
SPLIT_SOURCE = "split"  # ... and a split in both threads


@dataclass(frozen=True)
class Merged:
    thread: Thread  # the target as it is now
    moved: int  # messages moved into it


def _history(number: int, text: str, source: str, agent: str, at: str) -> Message:
    return Message.new(
        number,
        at,
        author="system",
        agent=agent,
        source=source,
        text=text,
        private=True,
    )


def _claim_writes(writes: TransactWrite, target: Thread, status: str, claims: list[OpenThreadClaim | None], numbers: set[int]) -> None:
    """The target continues its address, contact and order while not closed; a claim that named
    one of `numbers` elsewhere goes (a later post for that contact and order starts afresh)."""
    touched: set[tuple[str, str]] = set()
    if status != "closed":
        claim = OpenThreadClaim(*OpenThreadClaim.key(target.email, target.contact_id, target.order_ref), number=int(target.number), status=status, token=target.token)
        writes.save(claim)
        touched.add((claim.pk, claim.sk))
    for claim in claims:
        if claim is not None and int(claim.number) in numbers and (claim.pk, claim.sk) not in touched:
            writes.delete(claim)
            touched.add((claim.pk, claim.sk))


def _tag_writes(writes: TransactWrite, target: Thread, source: Thread) -> None:
    """The target takes the merged thread's tags (ADD: a tag added meanwhile stays): a tag only the
    source had moves its TAG# member (its count stays); a tag both had loses one from its count.
    The tombstone keeps its `tags` (no list or member names it), so a merge asked for again can
    still carry their words."""
    theirs, ours = set(source.tags or ()), set(target.tags or ())
    if not theirs:
        return
    for tag in sorted(theirs):
        writes.delete(TagMember(*TagMember.key(tag, int(source.number))))
        if tag in ours:
            writes.update(TagCount(*TagCount.key(tag)), actions=[TagCount.count.add(-1)])
        else:
            writes.save(TagMember(*TagMember.key(tag, int(target.number)), thread_number=int(target.number)))


def _copy(message: Message, number: int) -> Message:
    """The message as thread `number`'s (its sort key, id and files unchanged)."""
    fields = {name: getattr(message, name) for name in Message.get_attributes() if name not in ("pk", "sk", "kind")}
    copy = Message(keys.thread_pk(number), message.sk, **fields)
    copy.thread_number = number
    return copy


def _move(messages: list[Message], number: int) -> None:
    """Copies messages into thread `number`'s partition (same sort keys), then deletes them where they were."""
    if not messages:
        return
    with Message.batch_write() as batch:
        for m in messages:
            batch.save(_copy(m, number))
    with Message.batch_write() as batch:
        for m in messages:
            batch.delete(m)


def merge_threads(target_number: int, source_number: int, agent: str) -> Merged:
    """Merges thread `source_number` into `target_number` (both of one address). Requests: two
    Queries (both partitions), two GetItems (the two claims), one
    transaction, two BatchWriteItems per 25 messages moved, and a box link kept when needed."""
    if int(target_number) == int(source_number):
        raise Unprocessable("merge_same_thread")
    for _ in range(ATTEMPTS):
        target, _ = thread_partition(target_number)
        source, moving = thread_partition(source_number, include_merged=True)
        if source.merged_into is not None:
            if int(source.merged_into) != int(target_number):
                raise ThreadMerged(int(source.merged_into))
            carry_terms(source, moving, int(target_number))  # a merge cut short: its words and messages follow now
            _move(moving, target_number)
            return Merged(target, len(moving))
        if source.email.lower() != target.email.lower():
            raise Unprocessable("merge_other_customer")
        moment = datetime.now(UTC)
        at = now_iso(moment)
        was_status, was_last = target.status, target.last_message_at
        status = target.status if target.status != "closed" else source.status
        if source.last_message_at > target.last_message_at:
            target.last_message_at, target.preview = source.last_message_at, source.preview
            target.last_agent = source.last_agent or target.last_agent
        target.last_customer_message_at = max(filter(None, [target.last_customer_message_at, source.last_customer_message_at]), default=None)
        target.first_response_at = min(filter(None, [target.first_response_at, source.first_response_at]), default=None)
        target.created_at = min(target.created_at, source.created_at)
        target.customer_messages = int(target.customer_messages) + int(source.customer_messages)
        target.agent_messages = int(target.agent_messages) + int(source.agent_messages)
        target.has_private_note = bool(target.has_private_note or source.has_private_note)
        target.merged_from = [*(target.merged_from or []), int(source_number), *(source.merged_from or [])]
        target.status = status
        history = _history(target_number, f"#{int(source_number)} → #{int(target_number)}", MERGE_SOURCE, agent, at)

        deltas = CounterDeltas()
        deltas.add(deltas.global_, "threads_total", -1)
        deltas.status_change(source.contact_id, source.status, None, assignee=source.assignee)
        deltas.status_change(target.contact_id, was_status, status, assignee=target.assignee)
        moved_in_box = was_status == status == "open" and target.last_message_at != was_last
        if moved_in_box:
            deltas.open_moved(target.contact_id)
        actions: list[Action] = [
            Thread.status.set(status),
            Thread.last_message_at.set(target.last_message_at),
            Thread.preview.set(target.preview),
            Thread.created_at.set(target.created_at),
            Thread.customer_messages.set(int(target.customer_messages)),
            Thread.agent_messages.set(int(target.agent_messages)),
            Thread.has_private_note.set(bool(target.has_private_note)),
            Thread.merged_from.set(target.merged_from),
            *index_actions(target),
        ]
        if source.tags:  # the target's own update (one item, one operation in a transaction): see _tag_writes
            actions.append(Thread.tags.add(set(source.tags)))
        for name in ("last_agent", "last_customer_message_at", "first_response_at"):
            if getattr(target, name):
                actions.append(getattr(Thread, name).set(getattr(target, name)))
        tombstone: list[Action] = [Thread.status.set("merged"), Thread.merged_into.set(int(target_number))]
        tombstone += [getattr(Thread, name).remove() for name in LIST_KEYS]
        claims = [get_claim(t.email, t.contact_id, t.order_ref) for t in (target, source)]
        try:
            with transaction() as writes:
                writes.update(
                    Thread(*Thread.key(target_number)),
                    actions=actions,
                    condition=(Thread.status == was_status) & (Thread.last_message_at == was_last) & Thread.merged_into.does_not_exist(),
                )
                writes.update(
                    Thread(*Thread.key(source_number)),
                    actions=tombstone,
                    condition=(Thread.status == source.status) & (Thread.last_message_at == source.last_message_at) & Thread.merged_into.does_not_exist(),
                )
                writes.save(history, condition=Message.pk.does_not_exist())
                _claim_writes(writes, target, status, claims, {int(target_number), int(source_number)})
                _tag_writes(writes, target, source)
                deltas.write(writes, moment)
        except TransactWriteError as error:
            if not condition_failed(error):
                raise
            continue
        if source.tags:
            target.tags = set(target.tags or ()) | set(source.tags)
        carry_terms(source, moving, int(target_number))  # before the move: a retry still sees the messages
        _move(moving, target_number)
        if source.status == "open":
            settle_oldest_open(source.contact_id, int(source_number), None)
        if status == "open" and (was_status != "open" or moved_in_box):
            settle_oldest_open(target.contact_id, int(target_number), keys.list_sort_key(target.last_message_at, int(target_number)))
        return Merged(apply_index_keys(target), len(moving))
    raise ThreadChanged()


def _recount(thread: Thread, staying: list[Message]) -> None:
    """The thread's counts and last message from the messages it keeps."""
    shown = [m for m in staying if not m.private and m.author in ("customer", "agent")]
    thread.customer_messages = sum(1 for m in shown if m.author == "customer")
    thread.agent_messages = sum(1 for m in shown if m.author == "agent")
    if shown:
        last = shown[-1]
        thread.last_message_at = last.created_at
        thread.preview = preview_of(last.new_text or last.text or "")
    customers = [m.created_at for m in shown if m.author == "customer"]
    thread.last_customer_message_at = customers[-1] if customers else None
    thread.has_private_note = any(m.private and m.author == "agent" for m in staying)


def split_message(number: int, message_id: str, agent: str) -> Thread:
    """Moves one message of thread `number` into a new open thread of the same customer, contact
    and order (the old thread keeps the address's claim). Answers the new thread."""
    for _ in range(ATTEMPTS):
        thread, messages = thread_partition(number)
        chosen = next((m for m in messages if m.message_id == message_id), None)
        if chosen is None:
            raise NotFound("message_not_found")
        staying = [m for m in messages if m.message_id != message_id]
        if not any(not m.private and m.author in ("customer", "agent") for m in staying):
            raise Unprocessable("split_only_message")
        moment = datetime.now(UTC)
        at = now_iso(moment)
        new_number = allocate_thread_number()
        was_status, was_last = thread.status, thread.last_message_at
        new = Thread(
            *Thread.key(new_number),
            number=new_number,
            token=new_token(),
            contact_id=thread.contact_id,
            contact_names=thread.contact_names.as_dict() if thread.contact_names else {},
            contact_email=thread.contact_email,
            email=thread.email,
            customer_name=thread.customer_name,
            customer_id=thread.customer_id,
            order_ref=thread.order_ref,
            product=chosen.product or thread.product,
            language=thread.language,
            status="open",
            created_at=chosen.created_at,
            customer_card=thread.customer_card,
            customer_card_at=thread.customer_card_at,
        )
        _recount(new, [chosen])
        if not new.last_message_at:
            new.last_message_at, new.preview = chosen.created_at, preview_of(chosen.text or "")
        apply_index_keys(new)
        _recount(thread, staying)
        copy = _copy(chosen, new_number)
        deltas = CounterDeltas()
        deltas.add(deltas.global_, "threads_total", 1)
        deltas.status_change(thread.contact_id, None, "open", assignee=None)  # a split-off thread starts unassigned
        deltas.opened_newest(thread.contact_id, new_number, str(new.gsi4sk))
        if was_status == "open" and thread.last_message_at != was_last:
            deltas.open_moved(thread.contact_id)
        actions: list[Action] = [
            Thread.last_message_at.set(thread.last_message_at),
            Thread.preview.set(thread.preview),
            Thread.customer_messages.set(int(thread.customer_messages)),
            Thread.agent_messages.set(int(thread.agent_messages)),
            Thread.has_private_note.set(bool(thread.has_private_note)),
            *index_actions(thread),
        ]
        actions.append(
            Thread.last_customer_message_at.set(thread.last_customer_message_at) if thread.last_customer_message_at else Thread.last_customer_message_at.remove()
        )
        try:
            with transaction() as writes:
                writes.save(new, condition=Thread.pk.does_not_exist())
                writes.save(copy, condition=Message.pk.does_not_exist())
                writes.save(_history(new_number, f"#{int(number)} → #{new_number}", SPLIT_SOURCE, agent, at))
                writes.save(_history(number, f"#{int(number)} → #{new_number}", SPLIT_SOURCE, agent, at))
                writes.update(
                    Thread(*Thread.key(number)),
                    actions=actions,
                    condition=(Thread.status == was_status) & (Thread.last_message_at == was_last) & Thread.merged_into.does_not_exist(),
                )
                deltas.write(writes, moment)
                rest = file_terms(writes, new_number, thread_terms(new) | message_terms(chosen), new_thread=True)  # the new thread is found by them
        except TransactWriteError as error:
            if not condition_failed(error):
                raise
            continue
        chosen.delete()
        file_rest(new_number, rest)
        kept = thread_terms(thread).union(*(message_terms(m) for m in staying))
        unfile_terms(number, message_terms(chosen) - kept)  # the old thread is no longer found by what left it
        if was_status == "open" and thread.last_message_at != was_last:
            settle_oldest_open(thread.contact_id, number, keys.list_sort_key(thread.last_message_at, number))
        return new
    raise ThreadChanged()
