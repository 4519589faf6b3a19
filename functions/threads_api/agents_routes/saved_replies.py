"""Saved replies: the library (admins keep it) and the library filled for one thread."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from shopdesk.admin import saved_replies as library
from shopdesk.api.auth import admin_only, agent_only, caller
from shopdesk.api.docs import answers
from shopdesk.api.http import json_response
from shopdesk.threads import saved_replies
from shopdesk.views import saved_replies as views

from agents_routes.bodies import SavedReplyInput, as_dict
from agents_routes.threads import thread_number

router = Router()


@router.get("/v1/saved-replies", summary="The saved-reply library and the variables a text may use", responses=answers({200: "SavedReplyLibrary"}))
@agent_only
def list_saved_replies() -> Response[str]:
    return json_response(views.library_view(library.list_saved_replies()))


@router.post("/v1/saved-replies", summary="Add a saved reply (a title, a text per language)", responses=answers({201: "SavedReply", 422: "Error"}))
@admin_only
def create_saved_reply(body: SavedReplyInput | None = None) -> Response[str]:
    return json_response(views.saved_reply_view(library.create_saved_reply(as_dict(body))), status=201)


@router.put("/v1/saved-replies/<reply_id>", summary="Change a saved reply", responses=answers({200: "SavedReply", 404: "Error", 422: "Error"}))
@admin_only
def update_saved_reply(reply_id: str, body: SavedReplyInput | None = None) -> Response[str]:
    return json_response(views.saved_reply_view(library.update_saved_reply(reply_id, as_dict(body))))


@router.delete("/v1/saved-replies/<reply_id>", summary="Delete a saved reply", responses=answers({204: None, 404: "Error"}))
@admin_only
def delete_saved_reply(reply_id: str) -> Response[None]:
    library.delete_saved_reply(reply_id)
    return Response(status_code=204)


@router.get(
    "/v1/threads/<number>/saved-replies",
    summary="The saved replies in the thread's language with its customer's and order's variables filled",
    responses=answers({200: "FilledSavedReplies", 404: "Error"}),
)
@agent_only
def thread_saved_replies(number: str) -> Response[str]:
    return json_response(views.filled_view(saved_replies.saved_replies_for(thread_number(number), caller().username)))
