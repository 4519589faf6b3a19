"""The mail log: what the sync did with every mail (agents and admins), and the set-aside mails
an admin imports again."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from shopdesk.admin.contacts import all_contacts
from shopdesk.api.auth import admin_only, agent_only
from shopdesk.api.docs import answers
from shopdesk.api.http import json_response
from shopdesk.mail import mail_log
from shopdesk.mail.requests import SetAsideRequest
from shopdesk.views.mail_log import mail_log_entry, mail_log_view

router = Router()
Text = str | None


@router.get("/v1/mail-log", summary="Every mail the sync handled and what became of it, newest first", responses=answers({200: "MailLogPage", 400: "Error", 422: "Error"}))
@agent_only
def get_mail_log(
    outcome: Annotated[Text, Query(description="imported, skipped, bounced or failed (set aside)")] = None,
    cursor: Annotated[Text, Query(description="the next_cursor of the previous page")] = None,
    limit: Annotated[Text, Query(description="entries per page, 1 to 100 (50)")] = None,
) -> Response[str]:
    return json_response(mail_log_view(mail_log.read_log(outcome or None, cursor, limit)))


@router.post(
    "/v1/mail-log/set-aside/<name>",
    summary="Import a set-aside mail again (retry), or as a new conversation",
    responses=answers({200: "MailLogEntry", 404: "Error", 422: "Error"}),
)
@admin_only
def import_set_aside(name: str, body: SetAsideRequest | None = None) -> Response[str]:
    request = body or SetAsideRequest()
    # the admin room's read seeds the default contacts, as the sync's handler does
    return json_response(mail_log_entry(mail_log.handle_set_aside(name, request.as_new_thread, contacts=all_contacts)))
