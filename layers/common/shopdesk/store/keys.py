"""The key scheme: every partition, sort and index key string of the thread side of the table
(docs/data-model.md, "Keys" and "Indexes"). The one place that spells `THREAD#`, `MSG#`, `OPEN#`,
`STATS` and the thread list's `TL#…` partitions, so a key changes in one line and the rooms above
`store` speak of threads, contacts and statuses, never of keys."""

from __future__ import annotations

import unicodedata
from typing import Protocol

THREAD_PREFIX = "THREAD#"
THREAD_SK = "#THREAD"
MESSAGE_PREFIX = "MSG#"
STATS_PK = "STATS"
PRESENCE_PREFIX = "PRESENCE#"
UNASSIGNED = "-"  # the assignee part of GSI6's `TL#A#-`: threads no one has taken
INDEXED_BY_DATE = (1, 2, 3, 4, 5, 6, 7, 9)  # every list index but GSI8 (names) sorts by last message
PENDING = ("pending1", "pending2")  # the statuses a snooze (a wake-up time) is an option of


def thread_pk(number: int) -> str:
    return f"{THREAD_PREFIX}{int(number)}"


def thread_key(number: int) -> tuple[str, str]:
    return thread_pk(number), THREAD_SK


def message_sk(created_at: str, message_id: str) -> str:
    """Messages sort by creation inside the thread's partition: one Query reads them in order."""
    return f"{MESSAGE_PREFIX}{created_at}#{message_id}"


def open_claim_key(email: str, contact_id: str, order_ref: str | None) -> tuple[str, str]:
    return f"OPEN#{email.lower()}", f"{contact_id}#{order_ref or '-'}"


def stats_global_key() -> tuple[str, str]:
    return STATS_PK, "GLOBAL"


def stats_contact_key(contact_id: str) -> tuple[str, str]:
    return STATS_PK, f"CONTACT#{contact_id}"


def stats_day_key(day: str) -> tuple[str, str]:
    return STATS_PK, f"DAY#{day}"


def stats_agent_key(agent_sub: str) -> tuple[str, str]:
    """An agent's counters (threads assigned to them that are not closed), read with the dashboard."""
    return STATS_PK, f"AGENT#{agent_sub}"


def agent_of_stats(sk: str) -> str | None:
    return sk.removeprefix("AGENT#") if sk.startswith("AGENT#") else None


def presence_key(number: int, agent_sub: str) -> tuple[str, str]:
    """Who is on a thread: in the thread's own partition, so the thread view's Query reads it."""
    return thread_pk(number), f"{PRESENCE_PREFIX}{agent_sub}"


def contact_of_stats(sk: str) -> str | None:
    """The contact id of a STATS/CONTACT#id item, None for the global and daily items."""
    return sk.removeprefix("CONTACT#") if sk.startswith("CONTACT#") else None


def day_of_stats(sk: str) -> str | None:
    return sk.removeprefix("DAY#") if sk.startswith("DAY#") else None


# --- search (docs/data-model.md, "Search") -----------------------------------------------------

# A term is filed under its first 3 and its first 5 characters (a 2-character term under itself): a
# query word reads the longest of these it has and keeps the threads whose words it starts.
TERM_BUCKETS = (3, 5)


def term_buckets(term: str) -> set[str]:
    if len(term) < TERM_BUCKETS[0]:
        return {term}
    return {term[:n] for n in TERM_BUCKETS if len(term) >= n}


def query_bucket(term: str) -> str:
    return next((term[:n] for n in reversed(TERM_BUCKETS) if len(term) >= n), term)


def term_pk(bucket: str) -> str:
    return f"TERM#{bucket}"


def thread_sk(number: int) -> str:
    """A thread inside a search or tag partition: by number, i.e. by when it started."""
    return f"{int(number):010d}"


def bucket_of(pk: str) -> str:
    return pk.removeprefix("TERM#")


def tag_pk(tag: str) -> str:
    return f"TAG#{tag}"


def tags_key(tag: str) -> tuple[str, str]:
    """The count of one tag: PK=TAGS (one Query lists every tag with its count)."""
    return "TAGS", f"TAG#{tag}"


TAGS_PK = "TAGS"


def tag_of(sk: str) -> str:
    return sk.removeprefix("TAG#")


def normalized_name(name: str | None) -> str:
    """Lower case, accents removed: what name search compares."""
    decomposed = unicodedata.normalize("NFKD", (name or "").strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# --- the thread list's partitions (one per filter an index serves) -------------------------------


def all_list() -> str:
    return "TL#ALL"


def spam_list() -> str:
    """Threads marked as spam: their own list, out of the main one (GSI1 `TL#ALL`)."""
    return "TL#SPAM"


def status_list(status: str) -> str:
    return f"TL#S#{status}"


def contact_list(contact_id: str) -> str:
    return f"TL#C#{contact_id}"


def contact_status_list(contact_id: str, status: str) -> str:
    return f"TL#CS#{contact_id}#{status}"


def language_list(language: str) -> str:
    return f"TL#L#{language}"


def agent_list(assignee: str | None) -> str:
    """GSI6: the threads assigned to one agent (their Cognito sub), or `TL#A#-`: no one's."""
    return f"TL#A#{assignee or UNASSIGNED}"


def email_list(email: str) -> str:
    return f"TL#E#{email.lower()}"


def name_list(name: str) -> str:
    """Names are spread over one partition per first letter of the normalized name."""
    return f"TL#N#{normalized_name(name)[:1]}"


def private_list() -> str:
    return "TL#P"


def list_sort_key(last_message_at: str, number: int) -> str:
    """Newest first when read backwards; the number breaks ties of one instant."""
    return f"{last_message_at}#{int(number):010d}"


def name_sort_key(name: str, number: int) -> str:
    return f"{normalized_name(name)}#{int(number):010d}"


class ListedThread(Protocol):
    number: object
    status: str
    contact_id: str
    language: str
    assignee: str | None
    email: str
    customer_name: str | None
    has_private_note: object
    last_message_at: str
    spam: object


def index_keys(thread: ListedThread) -> dict[str, str | None]:
    """The GSI keys a thread summary writes, from its own fields (None: the key is removed, so the
    thread is not in that sparse list)."""
    number = int(thread.number)  # type: ignore[call-overload]
    sort = list_sort_key(thread.last_message_at, number)
    name = normalized_name(thread.customer_name)
    keys: dict[str, str | None] = {
        "gsi1pk": spam_list() if getattr(thread, "spam", False) else all_list(),
        "gsi2pk": status_list(thread.status),
        "gsi3pk": contact_list(thread.contact_id),
        "gsi4pk": contact_status_list(thread.contact_id, thread.status),
        "gsi5pk": language_list(thread.language),
        "gsi6pk": agent_list(thread.assignee),
        "gsi7pk": email_list(thread.email),
        "gsi8pk": name_list(name) if name else None,
        "gsi9pk": private_list() if thread.has_private_note else None,
        "gsi8sk": name_sort_key(name, number) if name else None,
    }
    for index in INDEXED_BY_DATE:
        keys[f"gsi{index}sk"] = sort
    # GSI10: a snoozed thread (pending with a wake-up time) waits in the WAKE list.
    snooze = getattr(thread, "snooze_until", None)
    waking = bool(snooze) and thread.status in PENDING
    keys["gsi10pk"] = wake_list() if waking else None
    keys["gsi10sk"] = wake_sort_key(str(snooze), number) if waking else None
    return keys


# --- what agents keep while they work: drafts (in the thread's partition), the wake-up index -----

DRAFT_PREFIX = "DRAFT#"


def draft_sk(agent_sub: str, kind: str) -> str:
    """An agent's unsent reply or note sorts in the thread's partition, so the thread view's one
    Query returns it with the messages."""
    return f"{DRAFT_PREFIX}{agent_sub}#{kind}"


def wake_list() -> str:
    """GSI10's one partition: snoozed threads by wake-up time (read forwards up to now)."""
    return "WAKE"


def wake_sort_key(wake_at: str, number: int) -> str:
    return f"{wake_at}#{int(number):010d}"
