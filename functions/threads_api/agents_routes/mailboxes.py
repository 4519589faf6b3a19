"""The shop's mailboxes: admins list, add, change (pause, resume), test and remove them."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from shopdesk.admin import mailboxes
from shopdesk.admin.mailboxes import MailboxInput, MailboxPatch
from shopdesk.api.auth import admin_only, caller
from shopdesk.api.docs import answers
from shopdesk.api.http import json_response

router = Router()


@router.get("/v1/mailboxes", summary="Every mailbox with its last sync (never a password)", responses=answers({200: "MailboxList"}))
@admin_only
def list_mailboxes() -> Response[str]:
    return json_response(mailboxes.list_mailboxes())


@router.post("/v1/mailboxes", summary="Add a mailbox; its password goes to its own secret", responses=answers({201: "Mailbox", 422: "Error"}))
@admin_only
def add_mailbox(body: MailboxInput) -> Response[str]:
    return json_response(mailboxes.add_mailbox(body, caller().username), status=201)


@router.patch(
    "/v1/mailboxes/<mailbox_id>",
    summary="Change a mailbox (pause or resume it with `paused`); password is write-only",
    responses=answers({200: "Mailbox", 404: "Error", 422: "Error"}),
)
@admin_only
def change_mailbox(mailbox_id: str, body: MailboxPatch | None = None) -> Response[str]:
    return json_response(mailboxes.change_mailbox(mailbox_id, body or MailboxPatch(), caller().username))


@router.delete("/v1/mailboxes/<mailbox_id>", summary="Remove a mailbox and its password (its threads stay)", responses=answers({204: None, 404: "Error"}))
@admin_only
def remove_mailbox(mailbox_id: str) -> Response[None]:
    mailboxes.remove_mailbox(mailbox_id)
    return Response(status_code=204)


@router.post(
    "/v1/mailboxes/<mailbox_id>/test",
    summary="Try a mailbox's settings and password",
    responses=answers({200: {"type": "object", "properties": {"ok": {"type": "boolean"}, "code": {"type": "string"}, "message": {"type": "string"}}}, 404: "Error"}),
)
@admin_only
def test_mailbox(mailbox_id: str) -> Response[str]:
    return json_response(mailboxes.test_mailbox(mailbox_id))
