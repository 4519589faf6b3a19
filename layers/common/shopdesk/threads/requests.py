"""The bodies agents send about a thread, typed: what the routes hand to the `threads` room.

Pydantic models, so the routes (and the OpenAPI document made from them) and the domain agree on
one shape. They check only shape and types; the domain's rules (text required, limits, a known
agent) stay in the domain, where every error of one request is reported at once."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from shopdesk.core.requests import coded


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class Upload(_Body):
    """A file the page posted to S3 with a reply-upload grant (`POST /v1/reply-uploads`)."""

    upload_key: str
    filename: str


# What Send does after the reply went out: close the thread, keep it open, or snooze it (pending
# until `snooze_until`, then open again).
AfterSend = Literal["close", "open", "snooze"]


class ReplyRequest(_Body):
    """POST /v1/threads/{n}/replies."""

    text: Any = ""
    attachments: Any = Field(default_factory=list)  # checked by the domain (every error at once)
    last_seen: str | None = None  # the id of the last message the agent saw: a newer one refuses the send (409)
    force: bool = False  # "send anyway": the agent saw the newer messages
    after_send: Any = None  # close | open | snooze (checked by threads.after_send); None: the shop's default
    snooze_until: Any = None  # with after_send=snooze: when the thread comes back open


class AssigneeRequest(_Body):
    """PUT /v1/threads/{n}/assignee: an agent's sub (the caller's own: take), or null (release)."""

    assignee: str | None = None
    note: str = ""


class PresenceRequest(_Body):
    """PUT /v1/threads/{n}/presence: the page's heartbeat."""

    state: Literal["viewing", "writing"] = "viewing"


class NoteRequest(_Body):
    """POST /v1/threads/{n}/notes."""

    text: Any = ""


class ForwardRequest(_Body):
    """POST /v1/threads/{n}/forward: to a member of the team or to any address, with a comment."""

    to_agent: Any = None
    to_email: Any = None
    comment: Any = ""


class StatusRequest(_Body):
    """PUT /v1/threads/{n}/status (`snooze_until`: with pending1/pending2, the wake-up time)."""

    status: Any = None
    snooze_until: Any = None


class BulkRequest(_Body):
    """POST /v1/threads/bulk: delete, or change the status of, the list's ticked threads."""

    action: Literal["delete", "status"] | None = None
    # The route takes this model: a status that is none of these is refused whatever the action.
    status: Annotated[Literal["open", "closed", "pending1", "pending2"] | None, coded("invalid_status")] = None
    # 1 to 100 thread numbers; checked here (a missing list too) so every field's error comes at once.
    numbers: Annotated[list[Annotated[StrictInt, Field(gt=0)]], Field(min_length=1, max_length=100), coded("validation_failed")] = Field(
        default_factory=list, validate_default=True
    )


class MergeRequest(_Body):
    """POST /v1/threads/{n}/merge: `source`, the thread merged into {n} (its number then forwards to {n})."""

    source: Any = None


class SplitRequest(_Body):
    """POST /v1/threads/{n}/split: the message that leaves for a new thread of its own."""

    message_id: Any = None


def parsed[Model: BaseModel](model: type[Model], body: object) -> Model:
    """The model of a JSON body; a body that is not an object, or whose fields have the wrong
    types, becomes the model's defaults for those fields, so the domain reports every field."""
    data = body if isinstance(body, dict) else {}
    fields = {}
    for name in model.model_fields:
        if name in data:
            try:
                model.model_validate({name: data[name]})
            except ValueError:
                continue
            fields[name] = data[name]
    return model.model_validate(fields)
