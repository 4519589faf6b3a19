"""Scheduled (and "Run sync") pull of customers' e-mail answers from the shop's IMAP mailbox."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from shopdesk.api.lambda_handler import observed
from shopdesk.core.observability import logger
from shopdesk.mail import sync
from shopdesk.threads.snooze import wake_due_threads


@observed(correlation_paths.EVENT_BRIDGE)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # The same schedule wakes snoozed threads; a failure there never stops the sync.
    try:
        wake_due_threads()
    except Exception:
        logger.exception("waking snoozed threads failed; the next run tries again")
    return sync.run_handler(context)
