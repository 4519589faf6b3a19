"""Who owns a thread and who is on it: take, hand over, release; the thread screen's heartbeat."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from shopdesk.api.auth import Agent, agent_only, caller
from shopdesk.api.docs import answers
from shopdesk.api.http import json_response
from shopdesk.intake.requests import parse
from shopdesk.store.assignment import AgentRef
from shopdesk.store.team import agent_ref
from shopdesk.threads import assignment
from shopdesk.threads.requests import AssigneeRequest, PresenceRequest, parsed
from shopdesk.views import threads as views

from agents_routes.bodies import AssigneeInput, PresenceInput, as_dict
from agents_routes.threads import thread_number

router = Router()


def ref_of(agent: Agent) -> AgentRef:
    return AgentRef(agent.sub, agent.name or agent.username, agent.username.lower())


@router.put(
    "/v1/threads/<number>/assignee",
    summary="Take a thread (your own sub), hand it to a colleague with a note, or release it (null); admins reassign any",
    responses=answers({200: "ThreadAndEntry", 403: "Error", 404: "Error", 409: "Error", 422: "Error"}),
)
@agent_only
def set_assignee(number: str, body: AssigneeInput | None = None) -> Response[str]:
    agent = caller()
    request = parsed(AssigneeRequest, as_dict(body))
    me = ref_of(agent)
    to = None if not request.assignee else me if request.assignee == agent.sub else agent_ref(request.assignee)
    done = assignment.assign(assignment.Actor(me, agent.is_admin), thread_number(number), to, request.note)
    return json_response(views.assigned_view(done))


@router.put(
    "/v1/threads/<number>/presence",
    summary="The thread screen's heartbeat (every ~20 s): the caller is viewing or writing; one write",
    responses=answers({204: None, 422: "Error"}),
)
@agent_only
def heartbeat(number: str, body: PresenceInput | None = None) -> Response[None]:
    assignment.heartbeat(ref_of(caller()), thread_number(number), parse(PresenceRequest, as_dict(body)).state)
    return Response(status_code=204)
