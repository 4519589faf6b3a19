"""Scheduled (and "Run sync") pull of customers' e-mail answers from the shop's IMAP mailbox."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from shopdesk.admin.contacts import all_contacts
from shopdesk.api.lambda_handler import observed
from shopdesk.mail import sync


@observed(correlation_paths.EVENT_BRIDGE)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # the admin room's read seeds the default contacts on a shop's first run, as the pages do
    return sync.run_handler(context, contacts=all_contacts, event=event)
