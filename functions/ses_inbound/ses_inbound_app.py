"""Mail pushed by SES receiving: the receipt rule stored the raw mail in the private bucket and
invokes this with the SES event; the mail goes through the same pipeline as the IMAP sync."""

from __future__ import annotations

from typing import Any

from shopdesk.admin.contacts import all_contacts
from shopdesk.api.lambda_handler import observed
from shopdesk.mail import ses_inbound


@observed("Records[0].ses.mail.messageId")
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return ses_inbound.handle(event, contacts=all_contacts)
