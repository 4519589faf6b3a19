"""The thread screen in one call (SPEC §5): the thread, its messages oldest first, the customer's
card and other threads, the contact and the default reply. Opening it marks it read for the agent.
The next and previous open threads are found when the agent asks for them (`neighbour`), not on
every view: most views never follow them, and they are two more ranges to read.

Requests: one Query on PK=THREAD#n (the thread, which keeps a copy of its customer's card, and its
messages), then, side by side, one BatchGetItem (the contact and the shop's settings: the default
reply) and one `Limit 11` Query on the address's list (GSI7: the customer's other threads): 3.
One UpdateItem of `read_by.<sub>` only when the thread is unread for this agent. A thread without a copy of the card
yet (started before the storefront told us of its customer) reads the customer's partition once
and keeps the copy in that same UpdateItem. Why not fewer: docs/data-model.md, "Thread view".
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

from shopdesk.core.errors import NotFound
from shopdesk.store.assignment import present
from shopdesk.store.attachments import DOWNLOAD_URL_SECONDS, download_url
from shopdesk.store.customers import CustomerCard, card_text, fresh_card, kept_card
from shopdesk.store.models import Contact, Draft, Message, Presence, Thread
from shopdesk.store.settings import contact_and_settings
from shopdesk.store.thread_lists import newer_open, older_open
from shopdesk.store.thread_reads import ThreadPartition, thread_partition_items
from shopdesk.store.threads import ThreadMerged, find_message, get_thread, mark_read
from shopdesk.threads.customer_story import other_threads
from shopdesk.threads.thread_list import is_unread


@dataclass
class ThreadScreen:
    """Everything the thread screen shows, as the domain knows it (views/threads.py shapes it)."""

    thread: Thread
    messages: list[Message]
    card: CustomerCard | None
    contact: Contact | None
    default_messages: dict[str, str] = field(default_factory=dict)
    presence: list[Presence] = field(default_factory=list)  # the other agents on the thread now
    after_send_default: str = "close"  # what Send does unless the agent chooses (the shop's option)
    # The agents' unsent replies and notes (read in the partition's Query) and who is looking.
    drafts: list[Draft] = field(default_factory=list)
    viewer: str | None = None
    other_threads: list[Thread] = field(default_factory=list)  # the customer's newest other threads


def _partition_followed(number: int) -> ThreadPartition:
    """The thread's partition; a merged thread's number answers with the thread it joined (one
    more Query per merge followed, only for such numbers)."""
    for _ in range(10):
        try:
            return thread_partition_items(number)
        except ThreadMerged as moved:
            number = moved.into
    return thread_partition_items(number)


def view_thread(agent_sub: str, number: int) -> ThreadScreen:
    """GET /v1/threads/{number}; marks the thread read for this agent. Who else is on the thread
    and the agents' drafts come with the messages (they share the thread's partition). The number
    of a thread merged into another answers with that one (the page follows to its number)."""
    whole = _partition_followed(number)
    thread, messages, beats, drafts = whole.thread, whole.messages, whole.presence, whole.drafts
    number = int(thread.number)
    kept, card = kept_card(thread)
    unread = is_unread(thread, agent_sub)
    # The other requests depend only on the thread: made side by side.
    with ThreadPoolExecutor(max_workers=3) as pool:
        contact_future = pool.submit(contact_and_settings, thread.contact_id)
        others_future = pool.submit(other_threads, thread)  # the customer's story: one more Query, side by side
        card_future = pool.submit(fresh_card, thread.email) if not kept else None
        # Already read since the customer's last message: a new read time would change nothing.
        read_future = pool.submit(mark_read, agent_sub, number) if unread and kept else None
    if card_future is not None:
        card, read_at = card_future.result()
        mark_read(agent_sub, number, card=(card_text(card), read_at))  # the copy rides on the read mark
    if read_future is not None:
        read_future.result()
    contact, settings = contact_future.result()
    return ThreadScreen(
        thread=thread,
        messages=messages,
        card=card,
        contact=contact,
        default_messages=settings.default_messages.as_dict() if settings.default_messages else {},
        presence=[p for p in present(beats) if p.agent_sub != agent_sub],
        after_send_default=settings.after_send_default or "close",
        drafts=drafts,
        viewer=agent_sub,
        other_threads=others_future.result(),
    )


def neighbour(number: int, toward: Literal["previous", "next"]) -> int | None:
    """The open thread next to this one in the list, when the agent follows "previous" (the newer
    one) or "next" (the older one): the thread's own item, then one `Limit 1` Query on the open
    threads' list. None when there is no open thread that way."""
    thread = get_thread(number)
    return newer_open(thread) if toward == "previous" else older_open(thread)


@dataclass(frozen=True)
class FileLink:
    url: str
    filename: str
    expires_in: int


def attachment_link(number: int, message_id: str, index: str) -> FileLink:
    """A short-lived link that downloads one file of a message (never shown inline)."""
    message = find_message(number, message_id)
    files = list(message.attachments or [])
    if not index.isdigit() or int(index) >= len(files):
        raise NotFound("not_found")
    chosen = files[int(index)]
    return FileLink(download_url(chosen.key, chosen.filename, content_type=chosen.content_type), chosen.filename, DOWNLOAD_URL_SECONDS)


MAIL_FILES = ("original", "whole-text")


def mail_file_link(number: int, message_id: str, which: str) -> FileLink:
    """A short-lived link that downloads what the mail import kept of a message that came by mail:
    `original`, the raw .eml as it arrived; `whole-text`, the whole text when the message keeps
    only its start. Always a download (attachment), never rendered by the browser."""
    message = find_message(number, message_id)
    kept = {"original": message.original, "whole-text": message.full_text}.get(which)
    if kept is None:
        raise NotFound("not_found")
    filename = f"thread-{number}-{message_id[:40]}.eml" if which == "original" else f"thread-{number}-{message_id[:40]}.txt"
    return FileLink(download_url(kept.key, filename), filename, DOWNLOAD_URL_SECONDS)
