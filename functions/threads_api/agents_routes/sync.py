"""The mail sync: its status, "Run sync" (asynchronous), and the admins' connection test."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from shopdesk.admin.requests import ImapInput
from shopdesk.api.auth import admin_only, agent_only
from shopdesk.api.docs import answers
from shopdesk.api.http import json_response
from shopdesk.mail import sync as mail_sync

router = Router()


@router.get("/v1/sync", summary="The last mail sync's result", responses=answers({200: "SyncStatus"}))
@agent_only
def get_sync_status() -> Response[str]:
    return json_response(mail_sync.sync_status())


@router.post(
    "/v1/sync",
    summary="Start the mail sync now (asynchronously)",
    responses=answers({202: {"type": "object", "properties": {"started": {"type": "boolean"}}}}),
)
@agent_only
def start_sync() -> Response[str]:
    return json_response(mail_sync.start_async(), status=202)


@router.post(
    "/v1/sync/test-connection",
    summary="Try the IMAP settings typed in the form (nothing saved), or the saved ones",
    responses=answers({200: {"type": "object", "properties": {"ok": {"type": "boolean"}, "code": {"type": "string"}, "message": {"type": "string"}}}}),
)
@admin_only
def test_sync_connection(body: ImapInput | None = None) -> Response[str]:
    """The values typed in the form (nothing is saved; a typed password is used for this test only),
    or, without a body, the saved settings."""
    if body is None or not body.given():
        return json_response(mail_sync.check_connection())
    return json_response(mail_sync.check_connection(body, body.password))
