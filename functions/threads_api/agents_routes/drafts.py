"""Drafts: an agent's unsent reply or note on a thread, saved as they type (one write)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from shopdesk.api.auth import agent_only, caller
from shopdesk.api.docs import answers
from shopdesk.api.http import json_response
from shopdesk.threads import drafts
from shopdesk.views import threads as views

from agents_routes.bodies import DraftInput, as_dict
from agents_routes.threads import thread_number

router = Router()


@router.put(
    "/v1/threads/<number>/drafts/<kind>",
    summary="Save the caller's unsent reply or note (kind: reply or note); blank text discards it",
    responses=answers({200: "DraftSaved", 422: "Error"}),
)
@agent_only
def save_draft(number: str, kind: str, body: DraftInput | None = None) -> Response[str]:
    agent = caller()
    draft = drafts.save(agent.sub, agent.username, thread_number(number), kind, as_dict(body).get("text"))
    return json_response(views.draft_view(draft, kind))


@router.delete("/v1/threads/<number>/drafts/<kind>", summary="Discard the caller's draft", responses=answers({204: None, 422: "Error"}))
@agent_only
def discard_draft(number: str, kind: str) -> Response[None]:
    drafts.discard(caller().sub, thread_number(number), kind)
    return Response(status_code=204)
