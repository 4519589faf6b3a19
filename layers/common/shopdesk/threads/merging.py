"""Merging two threads of one customer and splitting a message off: the rules
of the requests; the writes are the store's (store/thread_merge.py, docs/data-model.md "Merge and
split")."""

from __future__ import annotations

from shopdesk.core.errors import FieldError, ValidationFailed
from shopdesk.core.i18n import register
from shopdesk.store import thread_merge
from shopdesk.store.models import Thread
from shopdesk.threads.requests import MergeRequest, SplitRequest

register(
    {
        "invalid_thread_number": {
            "en": "Give a thread number (for example 1042).",
            "es": "Indique un número de conversación (por ejemplo 1042).",
            "pl": "Podaj numer wątku (na przykład 1042).",
        },
    }
)


def _number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.strip().lstrip("#").isdigit() and len(value.strip()) <= 11:
        return int(value.strip().lstrip("#"))
    return None


def merge(agent: str, number: int, request: MergeRequest) -> thread_merge.Merged:
    """Thread `request.source` joins thread `number` (both of one address)."""
    source = _number(request.source)
    if request.source in (None, ""):
        raise ValidationFailed([FieldError("source", "required")])
    if source is None:
        raise ValidationFailed([FieldError("source", "invalid_thread_number")])
    return thread_merge.merge_threads(number, source, agent)


def split(agent: str, number: int, request: SplitRequest) -> Thread:
    """One message of thread `number` starts a new thread; answers the new thread."""
    if not isinstance(request.message_id, str) or not request.message_id.strip():
        raise ValidationFailed([FieldError("message_id", "required")])
    return thread_merge.split_message(number, request.message_id.strip(), agent)
