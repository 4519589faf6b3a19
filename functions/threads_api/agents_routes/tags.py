"""Tags: agents tag threads and get suggestions; admins rename or delete a tag everywhere."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel, ConfigDict, Field
from shopdesk.api.auth import admin_only, agent_only
from shopdesk.api.docs import answers
from shopdesk.api.http import json_response
from shopdesk.threads import tags
from shopdesk.views import threads as views

from agents_routes.threads import thread_number

router = Router()


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TagsChange(_Body):
    """POST /v1/threads/{n}/tags: tags to add and to remove (free text, normalised)."""

    add: list[str] = Field(default_factory=list, max_length=20)
    remove: list[str] = Field(default_factory=list, max_length=20)


class TagRename(_Body):
    """POST /v1/tags/rename."""

    from_: str = Field(alias="from", max_length=200)
    to: str = Field(max_length=200)


class TagDelete(_Body):
    """POST /v1/tags/delete."""

    tag: str = Field(max_length=200)


@router.get("/v1/tags", summary="The tags in use with how many threads carry each, most used first", responses=answers({200: "TagList"}))
@agent_only
def list_tags() -> Response[str]:
    return json_response({"tags": [{"tag": use.tag, "threads": use.threads} for use in tags.suggestions()]})


@router.post(
    "/v1/threads/<number>/tags",
    summary="Add and remove tags of a thread; answers the thread",
    responses=answers({200: "ThreadOnly", 404: "Error", 422: "Error"}),
)
@agent_only
def change_thread_tags(number: str, body: TagsChange) -> Response[str]:
    thread = tags.change_thread_tags(thread_number(number), list(body.add), list(body.remove))
    return json_response(views.thread_answer(thread))


@router.post("/v1/tags/rename", summary="Rename a tag on every thread", responses=answers({200: "TagChange", 422: "Error"}))
@admin_only
def rename_tag(body: TagRename) -> Response[str]:
    return json_response({"tag": body.to, "threads": tags.rename_tag(body.from_, body.to)})


@router.post("/v1/tags/delete", summary="Take a tag off every thread", responses=answers({200: "TagChange", 422: "Error"}))
@admin_only
def delete_tag(body: TagDelete) -> Response[str]:
    return json_response({"tag": body.tag, "threads": tags.delete_tag(body.tag)})
