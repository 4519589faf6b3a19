"""Mailboxes by OAuth2: admins start "Connect with Google / Microsoft"; the provider
sends the browser back to the callback, which has no authorizer and accepts only its own `state`."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from shopdesk.admin import mailbox_oauth
from shopdesk.admin.mailbox_oauth import MailboxOAuthStart
from shopdesk.api.auth import admin_only, caller, signed_state_only
from shopdesk.api.docs import answers
from shopdesk.api.http import json_response

router = Router()

Text = Annotated[str | None, Query(max_length=2048)]


@router.post(
    "/v1/mailboxes/oauth2",
    summary="Connect (or reconnect) a mailbox with Google or Microsoft: the provider's authorize URL (PKCE, signed state)",
    responses=answers(
        {
            200: {"type": "object", "required": ["authorize_url", "mailbox"], "properties": {"authorize_url": {"type": "string"}, "mailbox": {"$ref": "#/components/schemas/Mailbox"}}},
            404: "Error",
            422: "Error",
            502: "Error",
        }
    ),
)
@admin_only
def start_oauth(body: MailboxOAuthStart) -> Response[str]:
    return json_response(mailbox_oauth.start(body, caller().username, router.current_event.request_context.domain_name))


@router.get(
    "/v1/mailboxes/oauth2/callback",
    summary="The provider's redirect (no authorizer): accepts only this stack's signed, unused, unexpired state; redirects to the page",
    responses=answers({302: None, 403: "Error"}),
)
@signed_state_only
def oauth_callback(code: Text = None, state: Text = None, error: Text = None) -> Response[str]:
    location = mailbox_oauth.callback(code, state, error, router.current_event.request_context.domain_name)
    return Response(status_code=302, headers={"Location": location, "Cache-Control": "no-store"}, body="")
