"""Search and the tag filter (docs/data-model.md, "Search and tags"): a page of threads whose
words start with every word of the query, and that carry the tag, among the list's other filters.

One partition leads: the tag's (`TAG#<tag>`, exact) or else the bucket of the query word most
likely to be selective (`selectivity`: digits or joined parts first, then the longest). Its items
are keyed by thread number. The first Query reads up to `SORTED_PER_PAGE` pages' worth of it:
when that is all of it, every candidate is checked in one or two BatchGetItems (their thread
summaries and their items of the other words' buckets) and the matches come in the list's order,
by last message (newest or oldest first): 2–3 requests a page. When a word matches more threads
than that bound, results come in thread-number order instead (newest first: the thread started
last; or oldest first), a chunk at a time, each chunk's candidates checked in one BatchGetItem:
2 requests a page for a selective chunk; a page that the checks thin out reads more chunks, at
most `MAX_CHUNKS`, and then answers what it found with a cursor to go on from.
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
CURSOR_KEYS = {"PK", "SK"}  # by thread number: the lead partition's key to go on from
SORTED_CURSOR_KEYS = {"PK", "AT"}  # by last message: the last row's list sort key
SORTED_PER_PAGE = 4  # results follow the list's order while every match fits 4 pages' worth...
SORTED_KEYS = 200  # ... and two BatchGetItems (with each other word's bucket item)


def search_page(
    words: list[str],
    tag: str | None,
    limit: int,
    forward: bool,
    cursor: dict[str, Any] | None,
    keep: Callable[[Thread], bool],
) -> tuple[list[Thread], dict[str, Any] | None]:
    """The page (threads that match every word, the tag and `keep`) and the key to resume after it.

    By last message, like the list, when every match fits the bound (`SORTED_PER_PAGE` times the
    page, and one or two BatchGetItems of keys); past it, by thread number (module docstring)."""
    if tag:
        partition, lead = tag_partition(tag), None
        others = words
    else:
        lead = max(words, key=selectivity)
        partition = term_partition(keys.query_bucket(lead))
        others = [w for w in words if w != lead]
    if cursor is not None and (set(cursor) not in (CURSOR_KEYS, SORTED_CURSOR_KEYS) or cursor["PK"].get("S") != partition):
        raise ShopdeskError("invalid_cursor")
    other_buckets = {w: keys.query_bucket(w) for w in others}
    if others:  # the candidates and their other buckets fit one BatchGetItem (100 keys)
        chunk = min(2 * limit + 1, BATCH_KEYS // (1 + len(others)))
    else:
        chunk = limit + 1 if keep is _keep_all else min(4 * limit + 1, BATCH_KEYS)
    first = None
    if cursor is None or set(cursor) == SORTED_CURSOR_KEYS:
        bound = min(SORTED_PER_PAGE * limit, SORTED_KEYS // (1 + len(others)))
        rows, last_key = partition_page(partition, forward, None, bound + 1)
        candidates = [n for n, item in rows if lead is None or matches(lead, words_of(item))]
        if last_key is None and len(candidates) <= bound:
            return _by_last_message(candidates, other_buckets, limit, forward, cursor, keep, partition)
        if cursor is not None:  # the matches outgrew the bound since the first page
            raise ShopdeskError("invalid_cursor")
        first = (rows[:chunk], _after_number(rows[chunk - 1][0], partition) if len(rows) > chunk else last_key)
    found: list[Thread] = []
    start = cursor
    for round_ in range(MAX_CHUNKS):
        rows, last_key = first if round_ == 0 and first is not None else partition_page(partition, forward, start, chunk)
        candidates = [n for n, item in rows if lead is None or matches(lead, words_of(item))]
        threads, terms = threads_and_terms(candidates, set(other_buckets.values()))
        for number in candidates:
            thread = threads.get(number)
            if thread is None or thread.merged_into is not None:  # deleted, or merged, since its items were read
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


def _by_last_message(
    candidates: list[int],
    other_buckets: dict[str, str],
    limit: int,
    forward: bool,
    cursor: dict[str, Any] | None,
    keep: Callable[[Thread], bool],
    partition: str,
) -> tuple[list[Thread], dict[str, Any] | None]:
    """Every match, read in one or two BatchGetItems, in the list's order (last message, then
    number: the list indexes' sort key); the cursor is the last row's sort key, so the next page
    reads the same matches again and goes on after it."""
    threads, terms = threads_and_terms(candidates, set(other_buckets.values()))
    matched = [
        thread
        for number in candidates
        if (thread := threads.get(number)) is not None
        and thread.merged_into is None
        and all(matches(w, words_of(term_item(terms, b, number))) for w, b in other_buckets.items())
        and keep(thread)
    ]
    matched.sort(key=_sort_key, reverse=not forward)
    if cursor is not None:
        after = cursor["AT"].get("S") or ""
        matched = [t for t in matched if (_sort_key(t) > after if forward else _sort_key(t) < after)]
    page = matched[:limit]
    return page, ({"PK": {"S": partition}, "AT": {"S": _sort_key(page[-1])}} if len(matched) > limit else None)


def _sort_key(thread: Thread) -> str:
    return keys.list_sort_key(thread.last_message_at, int(thread.number))


def _after_number(number: int, partition: str) -> dict[str, Any]:
    return {"PK": {"S": partition}, "SK": {"S": keys.thread_sk(number)}}


def _after(thread: Thread, partition: str) -> dict[str, Any]:
    return _after_number(int(thread.number), partition)


def _keep_all(_: Thread) -> bool:
    return True


KEEP_ALL = _keep_all
