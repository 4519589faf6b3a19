"""The team (forward targets) and the shop's settings."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from shopdesk.admin import shop_settings
from shopdesk.admin.requests import SettingsInput
from shopdesk.api.auth import admin_only, agent_only
from shopdesk.api.docs import answers
from shopdesk.api.http import json_response
from shopdesk.store import team as agents

router = Router()


@router.get("/v1/agents", summary="The team: forward targets", responses=answers({200: "AgentList"}))
@agent_only
def list_agents() -> Response[str]:
    return json_response(agents.list_agents())


@router.get("/v1/settings", summary="The shop's settings (never the IMAP password)", responses=answers({200: "Settings"}))
@admin_only
def get_settings() -> Response[str]:
    return json_response(shop_settings.settings_view())


@router.patch(
    "/v1/settings",
    summary="Change some settings; imap.password is write-only. Saves at the same moment are merged field by field",
    responses=answers({200: "Settings", 409: "Error", 422: "Error"}),
)
@admin_only
def update_settings(body: SettingsInput | None = None) -> Response[str]:
    return json_response(shop_settings.update_settings(body or SettingsInput()))
