"""Tags: agents add and remove free-text tags on a thread, suggested from the tags in
use; admins rename or delete a tag everywhere. Filtering and searching by tag are the list's
(`tag=`, and a tag's words are search words: threads/search.py)."""

from __future__ import annotations

from dataclasses import dataclass

from shopdesk.core.i18n import register
from shopdesk.core.validation import Checker
from shopdesk.store import threads
from shopdesk.store.models import Thread
from shopdesk.threads.tag_rules import MAX_TAG, normal_tag

register(
    {
        "invalid_tag": {
            "en": "A tag is a short text of 1 to 40 characters.",
            "es": "Una etiqueta es un texto corto de 1 a 40 caracteres.",
            "pl": "Tag to krótki tekst od 1 do 40 znaków.",
        },
        "too_many_tags": {
            "en": "A thread can carry at most 20 tags.",
            "es": "Una conversación puede llevar como máximo 20 etiquetas.",
            "pl": "Wątek może mieć najwyżej 20 tagów.",
        },
    }
)

MAX_TAGS = 20


@dataclass(frozen=True)
class TagUse:
    tag: str
    threads: int


def _tags(check: Checker, field: str, values: list[str]) -> set[str]:
    found: set[str] = set()
    for value in values:
        tag = normal_tag(value) if isinstance(value, str) else ""
        if not tag or len(value.strip()) > 4 * MAX_TAG:
            check.fail(field, "invalid_tag")
            continue
        found.add(tag)
    return found


def change_thread_tags(number: int, add: list[str], remove: list[str]) -> Thread:
    """Adds and removes tags of one thread (one GetItem and one transaction)."""
    check = Checker()
    adding, removing = _tags(check, "add", add), _tags(check, "remove", remove)
    check.done()
    thread = threads.get_thread(number)  # NotFound for a thread that does not exist
    if len((set(thread.tags or ()) | adding) - removing) > MAX_TAGS:
        check.fail("add", "too_many_tags")
        check.done()
    return threads.change_tags(number, adding, removing)


def suggestions() -> list[TagUse]:
    """The tags in use, most used first (one Query)."""
    return [TagUse(tag, count) for tag, count in sorted(threads.tag_counts().items(), key=lambda item: (-item[1], item[0]))]


def rename_tag(old: str, new: str) -> int:
    """Renames a tag on every thread that carries it (one transaction per thread); returns how many."""
    check = Checker()
    source, target = _tags(check, "from", [old]), _tags(check, "to", [new])
    check.done()
    return sum(1 for number in threads.tagged_threads(*source) if threads.change_tags(number, target, source) is not None)


def delete_tag(tag: str) -> int:
    """Takes a tag off every thread; returns how many threads carried it."""
    check = Checker()
    gone = _tags(check, "tag", [tag])
    check.done()
    return sum(1 for number in threads.tagged_threads(*gone) if threads.change_tags(number, set(), gone) is not None)
