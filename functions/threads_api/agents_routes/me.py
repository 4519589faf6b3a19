"""Who is signed in."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from shopdesk.api.auth import agent_only, caller
from shopdesk.api.docs import answers
from shopdesk.api.http import json_response

router = Router()


@router.get("/v1/me", summary="Who is signed in", responses=answers({200: "Me"}))
@agent_only
def get_me() -> Response[str]:
    return json_response(caller().to_dict())
