"""The bodies agents send about a thread, typed: what the routes hand to the `threads` room.

Pydantic models, so the routes (and the OpenAPI document made from them) and the domain agree on
one shape. They check only shape and types; the domain's rules (text required, limits, a known
agent) stay in the domain, where every error of one request is reported at once."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, WithJsonSchema

from shopdesk.core.requests import RequestModel, coded, rule

MAX_REPLY_ATTACHMENTS = 5
STATUSES = Literal["open", "closed", "pending1", "pending2"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class Upload(RequestModel):
    """A file the page posted to S3 with a reply-upload grant (`POST /v1/reply-uploads`)."""

    upload_key: str
    filename: str


# What Send does after the reply went out: close the thread, keep it open, or snooze it (pending
# until `snooze_until`, then open again).
AfterSend = Literal["close", "open", "snooze"]


# A reply's or a note's text: something besides spaces (reported with the other fields' errors).
RequiredText = Annotated[str, rule(lambda text: bool(text.strip()), "text_required")]
_REQUIRED_TEXT = {"default": "", "validate_default": True, "json_schema_extra": {"pattern": r"\S"}}

# The typed bodies of reply, note, forward and status are what the route takes, so the OpenAPI
# document made from them is the contract: strict types, no unknown field, null only where the
# domain reads it as "not given". Text lengths (after trimming), a known agent, a valid address
# and a wake-up time in range stay the domain's rules.


class ReplyRequest(RequestModel):
    """POST /v1/threads/{n}/replies."""

    text: RequiredText = Field(**_REQUIRED_TEXT)
    attachments: Annotated[list[Upload], Field(max_length=MAX_REPLY_ATTACHMENTS), coded("validation_failed")] = Field(
        default_factory=list, description="files posted with reply-upload grants (at most 5)"
    )
    last_seen: str | None = Field(default=None, description="id of the last message the agent saw: a newer one refuses the send (409 reply_outdated)")
    force: bool = Field(default=False, description="send anyway, after seeing the newer messages")
    # Documented as a pattern, not an enum: these are actions, not the thread statuses every status enum lists.
    after_send: Annotated[
        Literal["close", "open", "snooze"] | None,
        coded("invalid_after_send"),
        WithJsonSchema({"anyOf": [{"type": "string", "pattern": "^(close|open|snooze)$"}, {"type": "null"}]}),
    ] = Field(
        default=None, description="close (Send and close), open (Send and keep open) or snooze (pending 1 until snooze_until); null: the shop's default"
    )
    snooze_until: str | None = Field(default=None, description="with after_send=snooze: open again at this time (ISO 8601 with a time zone)")


class AssigneeRequest(_Body):
    """PUT /v1/threads/{n}/assignee: an agent's sub (the caller's own: take), or null (release)."""

    assignee: str | None = None
    note: str = ""


class PresenceRequest(_Body):
    """PUT /v1/threads/{n}/presence: the page's heartbeat."""

    state: Literal["viewing", "writing"] = "viewing"


class NoteRequest(RequestModel):
    """POST /v1/threads/{n}/notes."""

    text: RequiredText = Field(**_REQUIRED_TEXT)


class ForwardRequest(RequestModel):
    """POST /v1/threads/{n}/forward: to a member of the team or to any address, with a comment."""

    to_agent: str | None = Field(default=None, description="a team member's e-mail address")
    to_email: str | None = Field(default=None, description="any e-mail address")
    comment: str = ""


class StatusRequest(RequestModel):
    """PUT /v1/threads/{n}/status (`snooze_until`: with pending1/pending2, the wake-up time)."""

    status: Annotated[STATUSES, coded("invalid_status")]
    snooze_until: str | None = Field(default=None, description="with pending1 or pending2: open again at this time (or when the customer writes)")


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
