"""Tags on threads (docs/data-model.md, "Tags"): the thread's `tags` set, a `TAG#<tag>` item per
tagged thread (the tag filter reads it like a search partition), a count per tag on `TAGS`, and
the tag's words among the thread's search words. Each change of one thread is one transaction."""

from __future__ import annotations

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from shopdesk.core.terms import index_terms
from shopdesk.store import keys
from shopdesk.store.conditions import condition_failed
from shopdesk.store.models import SearchTerm, TagCount, TagMember, Thread, transaction
from shopdesk.store.search_index import by_bucket
from shopdesk.store.thread_reads import get_thread


def _tag_words(tags: set[str]) -> set[str]:
    return index_terms(*tags)


def change_tags(number: int, add: set[str], remove: set[str]) -> Thread:
    """Adds and removes tags of one thread in one transaction (after one GetItem of the thread);
    a tag it already has (or lacks) is left as it is. Returns the thread as it now is."""
    for _ in range(3):
        thread = get_thread(number)
        had = set(thread.tags or ())
        adding, removing = add - had, (remove & had) - add
        if not adding and not removing:
            return thread
        after = (had | adding) - removing
        words_now, words_before = _tag_words(after), _tag_words(had)
        condition = Thread.pk.exists()
        for tag in adding:
            condition &= ~Thread.tags.contains(tag)
        for tag in removing:
            condition &= Thread.tags.contains(tag)
        actions = [Thread.tags.set(after) if after else Thread.tags.remove()]
        try:
            with transaction() as writes:
                writes.update(Thread(*Thread.key(number)), actions=actions, condition=condition)
                for tag in sorted(adding):
                    writes.save(TagMember(*TagMember.key(tag, number), thread_number=number))
                    writes.update(TagCount(*TagCount.key(tag)), actions=[TagCount.count.add(1), TagCount.kind.set(TagCount)])
                for tag in sorted(removing):
                    writes.delete(TagMember(*TagMember.key(tag, number)))
                    writes.update(TagCount(*TagCount.key(tag)), actions=[TagCount.count.add(-1), TagCount.kind.set(TagCount)])
                for bucket, words in sorted(by_bucket(words_now - words_before).items()):
                    item = SearchTerm(*SearchTerm.key(bucket, number))
                    writes.update(
                        item, actions=[SearchTerm.tags.add(words), SearchTerm.thread_number.set(number), SearchTerm.kind.set(SearchTerm)]
                    )
                for bucket, words in sorted(by_bucket(words_before - words_now).items()):
                    writes.update(SearchTerm(*SearchTerm.key(bucket, number)), actions=[SearchTerm.tags.delete(words)])
        except TransactWriteError as error:
            if not condition_failed(error):
                raise
            continue
        thread.tags = after or None
        return thread
    return get_thread(number)


def tag_counts() -> dict[str, int]:
    """Every tag in use and how many threads carry it: one Query of `PK=TAGS`."""
    return {keys.tag_of(item.sk): int(item.count) for item in TagCount.query(keys.TAGS_PK) if int(item.count or 0) > 0}


def tagged_threads(tag: str) -> list[int]:
    """Every thread with the tag (an admin's rename or delete walks them): Query `TAG#<tag>`, all pages."""
    return [int(item.thread_number) for item in TagMember.query(keys.tag_pk(tag))]


def untag_deleted(writes: TransactWrite, thread: Thread) -> None:
    """The counts of a deleted thread's tags go down in its deletion's transaction."""
    for tag in sorted(thread.tags or ()):
        writes.update(TagCount(*TagCount.key(tag)), actions=[TagCount.count.add(-1)])
