"""GET /v1/mail-log: each mail's log entry as the page shows it (no reads, no writes)."""

from __future__ import annotations

from typing import Any

from shopdesk.mail.mail_log import LogPage
from shopdesk.store.models import InboundRecord


def mail_log_entry(record: InboundRecord) -> dict[str, Any]:
    """One mail: when, what happened and why, who sent what, and where it went. `thread_number` for
    an imported mail and a bounce's reply; `reply` (the message the bounce is about); `set_aside`
    (the name an admin retries it by) while the mail is set aside."""
    outcome = record.outcome
    return {
        "id": record.record_id,
        "at": record.at,
        "outcome": outcome,
        "reason": record.reason if outcome != "failed" else None,
        "error": record.reason if outcome == "failed" else None,
        "sender": record.sender,
        "subject": record.subject,
        "size": int(record.size) if record.size is not None else None,
        "thread_number": int(record.thread_number) if record.thread_number is not None else None,
        "reply": record.reply_message_id if outcome == "bounced" else None,
        "set_aside": record.set_aside_name if outcome == "failed" else None,
    }


def mail_log_view(page: LogPage) -> dict[str, Any]:
    return {"entries": [mail_log_entry(e) for e in page.entries], "next_cursor": page.next_cursor}
