"""Blocked senders (anti-spam), admins only."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from shopdesk.api.auth import admin_only, caller
from shopdesk.api.docs import answers
from shopdesk.api.http import json_response
from shopdesk.intake import antispam
from shopdesk.intake.requests import BlockedSenderRequest, parse

router = Router()


@router.get("/v1/blocked-senders", summary="The blocked-sender list", responses=answers({200: {"type": "object"}}))
@admin_only
def list_blocked_senders() -> Response[str]:
    return json_response(antispam.list_blocked())


@router.post("/v1/blocked-senders", summary="Block an address or a domain", responses=answers({201: {"type": "object"}, 422: "Error"}))
@admin_only
def add_blocked_sender(body: BlockedSenderRequest | None = None) -> Response[str]:
    return json_response(antispam.add_blocked(body or parse(BlockedSenderRequest, {}), caller().username), status=201)


@router.delete("/v1/blocked-senders/<value>", summary="Unblock", responses=answers({204: None}))
@admin_only
def remove_blocked_sender(value: str) -> Response[None]:
    antispam.remove_blocked(value)
    return Response(status_code=204)
