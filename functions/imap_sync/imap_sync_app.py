"""Scheduled pull of customers' e-mail answers from the shop's IMAP mailbox.

The import itself is not built yet (issue 5): this handler only reports that it ran.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

logger = Logger(service="shopdesk-imap-sync")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    logger.info("imap sync invoked; mail import is not implemented yet")
    return {"imported": 0, "status": "not_implemented"}
