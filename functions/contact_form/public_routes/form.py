"""The contact form: its contacts, its configuration, attachment uploads, posting a message."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from shopdesk.api.docs import answers, reads_raw_body
from shopdesk.api.http import json_response, request_language
from shopdesk.core.observability import count
from shopdesk.intake import intake
from shopdesk.intake.requests import UploadRequest, parse
from shopdesk.intake.widget import public_contacts

from public_routes.raw import answer, intake_request

router = Router()

Lang = Annotated[str | None, Query(description="en, es or pl (else Accept-Language, else the shop's default)")]


# POST /v1/messages reads its body itself (JSON, urlencoded or multipart): this is the JSON form.
MESSAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["contact_id", "email", "message"],
    "properties": {
        "contact_id": {"type": "string"},
        "email": {"type": "string", "format": "email"},
        "name": {"type": "string"},
        "message": {"type": "string"},
        "lang": {"type": "string", "enum": ["en", "es", "pl"]},
        "order_ref": {"type": "string"},
        "product": {"type": "string"},
        "attachments": {"type": "array", "items": {"type": "string"}, "description": "upload_key of each uploaded file"},
        "form_token": {"type": "string"},
        "redirect": {"type": "string", "description": "where a plain HTML form returns (303)"},
    },
}
FORM_BODY_TYPES = {
    "application/json": {"schema": MESSAGE_SCHEMA},
    "application/x-www-form-urlencoded": {"schema": MESSAGE_SCHEMA},
    "multipart/form-data": {"schema": MESSAGE_SCHEMA},
}


@router.get("/v1/contacts", summary="The contacts a visitor may write to", responses=answers({200: "PublicContacts"}))
def get_contacts(lang: Lang = None) -> Response[str]:
    return json_response(public_contacts(request_language(router)))


@router.get("/v1/form", summary="The contact form's configuration", responses=answers({200: {"type": "object"}}))
def get_form(lang: Lang = None) -> Response[str]:
    return json_response(intake.form_configuration(request_language(router)))


@router.post(
    "/v1/uploads",
    summary="A presigned POST for one attachment (when uploads are allowed)",
    responses=answers({200: "UploadForm", 422: "Error"}),
)
def post_upload(body: UploadRequest | None = None) -> Response[str]:
    return json_response(intake.upload_url(body or parse(UploadRequest, {})))


@router.post(
    "/v1/messages",
    summary="Post a message (JSON, urlencoded or multipart)",
    responses=answers({201: {"type": "object"}, 303: None, 413: "Error", 415: "Error", 422: "Error", 429: "Error"}),
)
@reads_raw_body(FORM_BODY_TYPES)
def post_message() -> Response[str]:
    result = intake.post_message(intake_request(router))
    if "error" not in result.body:  # a plain form's refusal is a 303 too
        count("MessagesReceived")
    return answer(result)


