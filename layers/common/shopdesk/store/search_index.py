"""The search index on the table itself (docs/data-model.md, "Search"): no Scan, no cluster.

Each thread files its words in `TERM#<bucket>` items, one per bucket (the first 3 and the first 5
characters of a word) and thread, keyed by the thread's number. A message adds its words with
`ADD` in its own transaction (the thread's subject, name, address, order reference and number with
its first message, whose buckets are Puts: they cannot exist yet), so storing the index costs no
extra request for a message of up to `IN_TRANSACTION` buckets; a longer one writes the rest in
transactions of 100 right after. Items never move: a thread's place in a search is its number
(when it started). Deleting a thread deletes the items of every word it could have filed (its
partition is read for the deletion).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from shopdesk.core.terms import index_terms
from shopdesk.store import keys
from shopdesk.store.models import Message, SearchTerm, ShopdeskItem, TagMember, Thread, transaction
from shopdesk.store.table import AttributeMap, Transaction, kind_of

# A message's transaction holds at most 100 items; the thread's own writes take at most ~10.
IN_TRANSACTION = 80
TRANSACTION_MAX = 100

Key = tuple[str, str]


def thread_terms(thread: Thread) -> set[str]:
    """What a thread is found by besides its messages: name, address, order reference, number."""
    return index_terms(thread.customer_name, thread.email, thread.order_ref, str(int(thread.number)))


def message_terms(message: Message) -> set[str]:
    """A message is found by its subject and its text (for mail, the answer above the quote; the
    whole text is indexed too when the mail has no quote)."""
    return index_terms(message.subject, message.new_text or message.text)


def by_bucket(terms: Iterable[str]) -> dict[str, set[str]]:
    buckets: dict[str, set[str]] = defaultdict(set)
    for term in terms:
        for bucket in keys.term_buckets(term):
            buckets[bucket].add(term)
    return dict(buckets)


def _bucket_key(bucket: str, number: int) -> AttributeMap:
    return {"PK": {"S": keys.term_pk(bucket)}, "SK": {"S": keys.thread_sk(number)}}


def _update(writes: Transaction, number: int, bucket: str, words: set[str], attribute: str = "words") -> None:
    """ADDs words to a bucket item that may exist (attribute maps: a model per bucket cost more
    CPU than the rest of a mail's storage)."""
    writes.update_attributes(
        _bucket_key(bucket, number),
        "ADD #words :words SET #number = :number, #kind = :kind",
        {"#words": attribute, "#number": "thread_number", "#kind": "kind"},
        {":words": {"SS": sorted(words)}, ":number": {"N": str(number)}, ":kind": {"S": kind_of(SearchTerm)}},
    )


def _put(writes: Transaction, number: int, bucket: str, words: set[str]) -> None:
    """A bucket item of a thread the same transaction creates: nothing can have filed it before,
    so a Put says the same as the ADD, and costs DynamoDB (and moto far more) less to apply."""
    writes.put_attributes(
        _bucket_key(bucket, number)
        | {"kind": {"S": kind_of(SearchTerm)}, "thread_number": {"N": str(number)}, "words": {"SS": sorted(words)}}
    )


def file_terms(writes: Transaction, number: int, terms: set[str], new_thread: bool = False) -> list[tuple[str, set[str]]]:
    """Adds up to IN_TRANSACTION of the terms' bucket items to a message's transaction; returns the
    rest, for `file_rest` after the commit. `new_thread`: the transaction creates thread `number`
    (on the condition that it does not exist), so its buckets are Puts."""
    items = sorted(by_bucket(terms).items())
    file = _put if new_thread else _update
    for bucket, words in items[:IN_TRANSACTION]:
        file(writes, number, bucket, words)
    return items[IN_TRANSACTION:]


def file_rest(number: int, rest: list[tuple[str, set[str]]]) -> int:
    """The buckets a long message could not fit in its transaction, 100 a request; returns requests."""
    requests = 0
    for start in range(0, len(rest), TRANSACTION_MAX):
        with transaction() as writes:
            for bucket, words in rest[start : start + TRANSACTION_MAX]:
                _update(writes, number, bucket, words)
        requests += 1
    return requests


def tag_terms(writes: Transaction, number: int, tag: str, add: bool) -> None:
    """Files (or takes out) a tag as a search word of the thread, apart from its message words."""
    for bucket in sorted(keys.term_buckets(tag)):
        if add:
            _update(writes, number, bucket, {tag}, "tags")
        else:
            writes.update(SearchTerm(*SearchTerm.key(bucket, number)), actions=[SearchTerm.tags.delete({tag})])


def index_items(thread: Thread, messages: Iterable[Message]) -> list[SearchTerm | TagMember]:
    """Every search and tag item a thread can have filed (its deletion deletes them, in the same
    BatchWriteItem as its messages; a key never written costs nothing to delete)."""
    number = int(thread.number)
    terms = thread_terms(thread) | set(thread.tags or ())
    for message in messages:
        terms |= index_terms(message.subject, message.new_text, message.text)
    terms |= index_terms(*(thread.tags or ()))
    buckets = {bucket for term in terms for bucket in keys.term_buckets(term)}
    items: list[SearchTerm | TagMember] = [SearchTerm(*SearchTerm.key(bucket, number)) for bucket in sorted(buckets)]
    return items + [TagMember(*TagMember.key(tag, number)) for tag in sorted(thread.tags or ())]


def _file_all(number: int, buckets: list[tuple[str, set[str], str]]) -> int:
    """ADDs (bucket, words, attribute) to thread `number`'s buckets, 100 updates a transaction."""
    requests = 0
    for start in range(0, len(buckets), TRANSACTION_MAX):
        with transaction() as writes:
            for bucket, words, attribute in buckets[start : start + TRANSACTION_MAX]:
                _update(writes, number, bucket, words, attribute)
        requests += 1
    return requests


def carry_terms(source: Thread, messages: Iterable[Message], target: int) -> None:
    """A merge: the merged thread's words (its name, address, order reference, number, its
    messages' words and its tags' words) join the target's buckets, then its own buckets go.
    Idempotent (ADD, delete), so a merge asked for again finishes it."""
    messages = list(messages)
    words = thread_terms(source)
    for message in messages:
        words |= message_terms(message)
    filed = [(b, w, "words") for b, w in sorted(by_bucket(words).items())]
    filed += [(b, w, "tags") for b, w in sorted(by_bucket(index_terms(*(source.tags or ()))).items())]
    _file_all(target, filed)
    with ShopdeskItem.batch_write() as batch:
        for item in index_items(source, messages):
            if isinstance(item, SearchTerm):
                batch.delete(item)


def unfile_terms(number: int, words: set[str]) -> int:
    """Takes words out of thread `number`'s buckets (a split: the words only the message that
    left had), 100 updates a transaction; returns requests."""
    items = sorted(by_bucket(words).items())
    for start in range(0, len(items), TRANSACTION_MAX):
        with transaction() as writes:
            for bucket, gone in items[start : start + TRANSACTION_MAX]:
                writes.update(SearchTerm(*SearchTerm.key(bucket, number)), actions=[SearchTerm.words.delete(gone)])
    return -(-len(items) // TRANSACTION_MAX)


# --- reading -------------------------------------------------------------------------------------


def term_partition(bucket: str) -> str:
    return keys.term_pk(bucket)


def tag_partition(tag: str) -> str:
    return keys.tag_pk(tag)


def partition_page(
    partition: str, forward: bool, start: dict[str, Any] | None, size: int
) -> tuple[list[tuple[int, Any]], dict[str, Any] | None]:
    """One Query of a search or tag partition: (thread number, item) in order, and the Query's
    LastEvaluatedKey (None: the partition is done)."""
    results = ShopdeskItem.query(partition, scan_index_forward=forward, last_evaluated_key=start, limit=size, page_size=size)
    rows = [(int(item.sk), item) for item in results]
    return rows, results.last_evaluated_key


def threads_and_terms(numbers: Iterable[int], buckets: Iterable[str]) -> tuple[dict[int, Thread], dict[Key, SearchTerm]]:
    """The candidates' thread summaries and their items of the other query words' buckets: one
    BatchGetItem (one per 100 keys)."""
    wanted: list[Key] = []
    numbers = list(dict.fromkeys(numbers))
    for number in numbers:
        wanted.append(Thread.key(number))
        wanted += [SearchTerm.key(bucket, number) for bucket in buckets]
    threads: dict[int, Thread] = {}
    terms: dict[Key, SearchTerm] = {}
    if not wanted:
        return threads, terms
    for item in ShopdeskItem.batch_get(list(dict.fromkeys(wanted))):
        if isinstance(item, Thread):
            threads[int(item.number)] = item
        elif isinstance(item, SearchTerm):
            terms[(keys.bucket_of(item.pk), item.sk)] = item
    return threads, terms


def words_of(item: SearchTerm | None) -> set[str]:
    if item is None:
        return set()
    return set(item.words or ()) | set(item.tags or ())


def term_item(terms: dict[Key, SearchTerm], bucket: str, number: int) -> SearchTerm | None:
    return terms.get((bucket, keys.thread_sk(number)))
