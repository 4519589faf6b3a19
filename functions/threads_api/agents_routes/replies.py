"""Replies, private notes and forwards on a thread, and the uploads of reply attachments."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from shopdesk.api.auth import agent_only, caller
from shopdesk.api.docs import answers
from shopdesk.api.http import json_response, request_language
from shopdesk.core.errors import UpstreamFailed
from shopdesk.core.observability import count
from shopdesk.intake.requests import UploadRequest
from shopdesk.store import attachments
from shopdesk.store.assignment import AgentRef
from shopdesk.threads import forwarding, outbound
from shopdesk.threads.requests import ForwardRequest, NoteRequest, ReplyRequest, parsed
from shopdesk.views import threads as views

from agents_routes.bodies import ForwardInput, NoteInput, ReplyInput, as_dict
from agents_routes.threads import thread_number

router = Router()


@contextmanager
def counted_sending() -> Iterator[None]:
    """RepliesSent, or RepliesNotSent when SES refused (the reply is kept; an alarm watches it)."""
    try:
        yield
    except UpstreamFailed:
        count("RepliesNotSent")
        raise
    count("RepliesSent")


@router.post(
    "/v1/threads/<number>/replies",
    summary="Reply to the customer by e-mail; the thread closes or stays open (after_send); refused if someone wrote since last_seen",
    responses=answers({201: "ThreadAndMessage", 409: "Error", 422: "Error", 502: "ReplyNotSent"}),
)
@agent_only
def reply(number: str, body: ReplyInput | None = None) -> Response[str]:
    agent = caller()
    me = AgentRef(agent.sub, agent.name or agent.username, agent.username.lower())
    with counted_sending():
        answer = views.answered(lambda: outbound.reply(agent.username, thread_number(number), parsed(ReplyRequest, as_dict(body)), agent.sub, me=me))
    return json_response(answer, status=201)


@router.post(
    "/v1/threads/<number>/replies/<message_id>/retry",
    summary="Send a reply that was kept as not sent",
    responses=answers({200: "ThreadAndMessage", 404: "Error", 409: "Error", 502: "ReplyNotSent"}),
)
@agent_only
def retry_reply(number: str, message_id: str) -> Response[str]:
    with counted_sending():
        answer = views.answered(lambda: outbound.retry_reply(thread_number(number), message_id))
    return json_response(answer)


@router.post("/v1/threads/<number>/notes", summary="Add a private note (never sent)", responses=answers({201: "ThreadAndMessage", 422: "Error"}))
@agent_only
def add_note(number: str, body: NoteInput | None = None) -> Response[str]:
    agent = caller()
    return json_response(views.posted_view(outbound.add_note(agent.username, thread_number(number), parsed(NoteRequest, as_dict(body)), agent.sub)), status=201)


@router.post(
    "/v1/threads/<number>/forward",
    summary="Forward the whole discussion, with its files, to an employee, an address or both; records a private note",
    responses=answers({201: "ThreadAndMessage", 422: "Error", 502: "Error"}),
)
@agent_only
def forward(number: str, body: ForwardInput | None = None) -> Response[str]:
    answer = views.posted_view(forwarding.forward(caller().username, thread_number(number), parsed(ForwardRequest, as_dict(body)), request_language(router)))
    return json_response(answer, status=201)


@router.post("/v1/reply-uploads", summary="A presigned POST for a reply attachment", responses=answers({201: "UploadForm", 422: "Error"}))
@agent_only
def reply_upload(body: UploadRequest | None = None) -> Response[str]:
    return json_response(attachments.upload_form((body or UploadRequest()).filename), status=201)
