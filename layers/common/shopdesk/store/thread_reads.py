"""Reading threads: one thread, its partition (the thread and its messages), one message, and what
a change of the thread needs besides the thread itself (its claim, its box, the shop's settings),
read together in one BatchGetItem so an agent's action reads each item once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from shopdesk.core.errors import Conflict, NotFound
from shopdesk.core.i18n import register
from shopdesk.store import keys
from shopdesk.store.models import Draft, Message, OpenThreadClaim, Presence, ShopdeskItem, ShopSettings, Stats, Thread

register(
    {
        "thread_not_found": {
            "en": "This thread does not exist (it may have been deleted).",
            "es": "Esta conversación no existe (puede que se haya eliminado).",
            "pl": "Ten wątek nie istnieje (mógł zostać usunięty).",
        },
        "thread_busy": {
            "en": "This thread changed while we were saving. Please try again.",
            "es": "Esta conversación cambió mientras se guardaba. Inténtelo de nuevo.",
            "pl": "Ten wątek zmienił się podczas zapisywania. Spróbuj ponownie.",
        },
        "invalid_status": {
            "en": "Unknown status: use open, closed, pending1 or pending2.",
            "es": "Estado desconocido: use open, closed, pending1 o pending2.",
            "pl": "Nieznany status: użyj open, closed, pending1 lub pending2.",
        },
        "reply_already_sent": {
            "en": "This reply has already been sent.",
            "es": "Esta respuesta ya se ha enviado.",
            "pl": "Ta odpowiedź została już wysłana.",
        },
        "thread_merged": {
            "en": "This thread was merged into thread #{into}.",
            "es": "Esta conversación se unió a la conversación #{into}.",
            "pl": "Ten wątek został scalony z wątkiem #{into}.",
        },
        "message_not_found": {
            "en": "This message does not exist in the thread.",
            "es": "Este mensaje no existe en la conversación.",
            "pl": "Ta wiadomość nie istnieje w wątku.",
        },
    }
)


class ThreadChanged(Conflict):
    """A condition on the thread failed: another request changed it first (callers retry)."""

    code = "thread_busy"


class ThreadMerged(NotFound):
    """The thread was merged into another: its number forwards to `into` (a tombstone is never
    changed, so every change of it is refused; the view and the customer's messages follow it)."""

    code = "thread_merged"

    def __init__(self, into: int) -> None:
        super().__init__(into=int(into))
        self.into = int(into)


def live(thread: Thread) -> Thread:
    """The thread itself, unless it is a merge's tombstone (ThreadMerged names where it went)."""
    if thread.merged_into is not None:
        raise ThreadMerged(int(thread.merged_into))
    return thread


def get_thread(number: int, include_merged: bool = False) -> Thread:
    """One thread (consistent). A merged thread's tombstone raises ThreadMerged unless asked for."""
    try:
        thread = Thread.get(*Thread.key(number), consistent_read=True)
    except Thread.DoesNotExist:
        raise NotFound("thread_not_found") from None
    return thread if include_merged else live(thread)


def follow_merges(thread: Thread) -> Thread:
    """The thread a tombstone's number now lives in (a chain of merges followed; one GetItem per
    merge): the form's continue link and answers to a merged thread's mails land there."""
    for _ in range(10):
        if thread.merged_into is None:
            return thread
        thread = get_thread(int(thread.merged_into), include_merged=True)
    return live(thread)


def iter_thread_items(number: int) -> Iterable[Thread | Message]:
    """The thread and its messages, oldest first: one Query on the thread's partition."""
    return Thread.query(keys.thread_pk(number), consistent_read=True)


def thread_partition(number: int, include_merged: bool = False) -> tuple[Thread, list[Message]]:
    """The thread and its messages, oldest first: one Query on PK=THREAD#<n>. A merge's tombstone
    raises ThreadMerged unless asked for (deleting it, finishing a merge)."""
    whole = thread_partition_items(number, include_merged)
    return whole.thread, whole.messages


@dataclass
class ThreadPartition:
    """Everything the thread's partition holds: the thread, its messages oldest first, the
    presence items of the agents on it (which may have expired: store.assignment.present) and
    the agents' drafts. The thread view reads it in one Query."""

    thread: Thread
    messages: list[Message] = field(default_factory=list)
    presence: list[Presence] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)


def thread_partition_items(number: int, include_merged: bool = False) -> ThreadPartition:
    """One Query on PK=THREAD#<n>, every item sorted by kind (a tombstone: as thread_partition)."""
    thread: Thread | None = None
    messages: list[Message] = []
    presence: list[Presence] = []
    drafts: list[Draft] = []
    for item in ShopdeskItem.query(keys.thread_pk(number), consistent_read=True):
        if isinstance(item, Thread):
            thread = item
        elif isinstance(item, Message):
            messages.append(item)
        elif isinstance(item, Presence):
            presence.append(item)
        elif isinstance(item, Draft):
            drafts.append(item)
    if thread is None:
        raise NotFound("thread_not_found")
    return ThreadPartition(thread if include_merged else live(thread), messages, presence, drafts)


def find_message(number: int, message_id: str) -> Message:
    """One message of a thread by its id: a Query on the thread's partition filtered by id."""
    query = Message.query(keys.thread_pk(number), Message.sk.startswith(keys.MESSAGE_PREFIX), filter_condition=Message.message_id == message_id)
    for message in query:
        return message
    raise NotFound("message_not_found")


def get_claim(email: str, contact_id: str, order_ref: str | None) -> OpenThreadClaim | None:
    try:
        return OpenThreadClaim.get(*OpenThreadClaim.key(email, contact_id, order_ref), consistent_read=True)
    except OpenThreadClaim.DoesNotExist:
        return None


@dataclass
class ChangeContext:
    """What a change of a thread reads besides the thread: the address's open-thread claim (kept in
    step with the status), the contact's box (its link to the oldest open thread) and the shop's
    settings (the reply's mailbox). `None` where the item does not exist."""

    claim: OpenThreadClaim | None
    box: Stats | None
    settings: ShopSettings


def read_change_context(thread: Thread) -> ChangeContext:
    """The claim, the box and the settings in one consistent BatchGetItem (their keys follow from the
    thread alone)."""
    claim_key = OpenThreadClaim.key(thread.email, thread.contact_id, thread.order_ref)
    box_key = Stats.contact_key(thread.contact_id)
    found: dict[tuple[str, str], ShopdeskItem] = {}
    for item in ShopdeskItem.batch_get([claim_key, box_key, ShopSettings.key()], consistent_read=True):
        found[(item.pk, item.sk)] = item
    claim, box, settings = found.get(claim_key), found.get(box_key), found.get(ShopSettings.key())
    return ChangeContext(
        claim if isinstance(claim, OpenThreadClaim) else None,
        box if isinstance(box, Stats) else None,
        settings if isinstance(settings, ShopSettings) else ShopSettings(*ShopSettings.key()),
    )
