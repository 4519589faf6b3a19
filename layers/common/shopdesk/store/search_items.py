"""Search and tag items (docs/data-model.md, "Search" and "Tags"): a thread's words filed under a
bucket, a thread's membership of a tag, and a tag's count."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeSetAttribute

from shopdesk.store import keys
from shopdesk.store.table import ShopdeskItem


class SearchTerm(ShopdeskItem, discriminator="search_term"):
    """PK=TERM#<first 3 or 5 characters>, SK=<thread number, 10 digits>: the thread's words (from
    its messages, subject, name, address, order reference and number) and its tags that start so.
    Written with ADD in the transaction of the message that brings them, so words only ever join."""

    thread_number = NumberAttribute()
    words = UnicodeSetAttribute(null=True)
    tags = UnicodeSetAttribute(null=True)

    @staticmethod
    def key(bucket: str, number: int) -> tuple[str, str]:
        return keys.term_pk(bucket), keys.thread_sk(number)


class TagMember(ShopdeskItem, discriminator="tag_member"):
    """PK=TAG#<tag>, SK=<thread number, 10 digits>: the thread carries the tag (the tag filter)."""

    thread_number = NumberAttribute()

    @staticmethod
    def key(tag: str, number: int) -> tuple[str, str]:
        return keys.tag_pk(tag), keys.thread_sk(number)


class TagCount(ShopdeskItem, discriminator="tag_count"):
    """PK=TAGS, SK=TAG#<tag>: how many threads carry the tag (suggestions, the admins' list)."""

    count = NumberAttribute(default=0)

    @staticmethod
    def key(tag: str) -> tuple[str, str]:
        return keys.tags_key(tag)
