"""Search and the tag filter (docs/data-model.md, "Search"): a page of threads whose words start
with every word of the query, and that carry the tag, among the list's other filters.

One partition leads: the tag's (`TAG#<tag>`, exact) or else the bucket of the query word most
likely to be selective (`selectivity`: digits or joined parts first, then the longest). It is read in thread-number order (newest
first: the highest number, i.e. the thread started last; or oldest first) a chunk at a time; the
chunk's candidates are then checked in one BatchGetItem that brings their thread summaries and
their items of the other words' buckets. A selective word costs 2 requests a page (Query,
BatchGetItem); a page that the checks thin out reads more chunks, at most `MAX_CHUNKS`, and then
answers what it found with a cursor to go on from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shopdesk.core.errors import ShopdeskError
from shopdesk.core.terms import matches
from shopdesk.store import keys
from shopdesk.store.models import Thread
from shopdesk.store.search_index import partition_page, tag_partition, term_item, term_partition, threads_and_terms, words_of

MAX_CHUNKS = 3
BATCH_KEYS = 100


def selectivity(word: str) -> tuple[int, int]:
    """How selective a query word is likely to be, without counting: a word with digits (an order
    reference, a number, a postcode) or joined parts (an address, a domain) first, then the longest."""
    return (1 if any(ch.isdigit() for ch in word) or any(ch in ".@-_+/" for ch in word) else 0, len(word))
CURSOR_KEYS = {"PK", "SK"}


def search_page(
    words: list[str],
    tag: str | None,
    limit: int,
    forward: bool,
    cursor: dict[str, Any] | None,
    keep: Callable[[Thread], bool],
) -> tuple[list[Thread], dict[str, Any] | None]:
    """The page (threads that match every word, the tag and `keep`) and the key to resume after it."""
    if tag:
        partition, lead = tag_partition(tag), None
        others = words
    else:
        lead = max(words, key=selectivity)
        partition = term_partition(keys.query_bucket(lead))
        others = [w for w in words if w != lead]
    if cursor is not None and (set(cursor) != CURSOR_KEYS or cursor["PK"].get("S") != partition):
        raise ShopdeskError("invalid_cursor")
    other_buckets = {w: keys.query_bucket(w) for w in others}
    if others:  # the candidates and their other buckets fit one BatchGetItem (100 keys)
        chunk = min(2 * limit + 1, BATCH_KEYS // (1 + len(others)))
    else:
        chunk = limit + 1 if keep is _keep_all else min(4 * limit + 1, BATCH_KEYS)
    found: list[Thread] = []
    start = cursor
    for _ in range(MAX_CHUNKS):
        rows, last_key = partition_page(partition, forward, start, chunk)
        candidates = [n for n, item in rows if lead is None or matches(lead, words_of(item))]
        threads, terms = threads_and_terms(candidates, set(other_buckets.values()))
        for number in candidates:
            thread = threads.get(number)
            if thread is None:  # deleted since its items were read
                continue
            if all(matches(w, words_of(term_item(terms, b, number))) for w, b in other_buckets.items()) and keep(thread):
                if len(found) == limit:  # one more than the page: there is a next page, after the last one shown
                    return found, _after(found[-1], partition)
                found.append(thread)
        if last_key is None:
            return found, None
        start = last_key
        if len(found) == limit:
            return found, last_key
    return found, start


def _after(thread: Thread, partition: str) -> dict[str, Any]:
    return {"PK": {"S": partition}, "SK": {"S": keys.thread_sk(int(thread.number))}}


def _keep_all(_: Thread) -> bool:
    return True


KEEP_ALL = _keep_all
