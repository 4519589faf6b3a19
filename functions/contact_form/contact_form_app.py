"""The public storefront API: what a shop's contact form, the widget and the shop's back end call."""

from __future__ import annotations

import base64
import json
from typing import Any

from aws_lambda_powertools.event_handler import Response
from shopdesk.admin.contacts import public_contacts
from shopdesk.api.http import json_body, json_response, make_resolver, request_language
from shopdesk.intake import intake, storefront
from shopdesk.intake.requests import parse

app = make_resolver()


def _raw_body() -> bytes:
    event = app.current_event.raw_event
    body = event.get("body") or ""
    return base64.b64decode(body) if event.get("isBase64Encoded") else body.encode("utf-8")


def _request() -> intake.IntakeRequest:
    event = app.current_event
    headers = {k.lower(): v for k, v in (event.headers or {}).items()}
    http = (event.raw_event.get("requestContext") or {}).get("http") or {}
    return intake.IntakeRequest(
        content_type=headers.get("content-type", ""),
        body=_raw_body(),
        ip=http.get("sourceIp"),
        user_agent=headers.get("user-agent") or http.get("userAgent"),
        accept=headers.get("accept", ""),
        language_hint=request_language(app),
        referer=headers.get("referer"),
        origin=headers.get("origin"),
        idempotency_key=headers.get("idempotency-key"),
        lambda_context=app.lambda_context,
    )


def _answer(answer: intake.Answer) -> Response:
    if answer.location:
        return Response(
            status_code=303,
            content_type="application/json",
            body=json.dumps(answer.body, ensure_ascii=False),
            headers={"Location": answer.location},
        )
    return json_response(answer.body, status=answer.status)


@app.get("/v1/contacts")
def get_contacts() -> Response:
    return json_response(public_contacts(request_language(app)))


@app.get("/v1/form")
def get_form() -> Response:
    return json_response(intake.form_configuration(request_language(app)))


@app.post("/v1/uploads")
def post_upload() -> Response:
    return json_response(intake.upload_url(parse(intake.UploadRequest, json_body(app))))


@app.post("/v1/messages")
def post_message() -> Response:
    return _answer(intake.post_message(_request()))


@app.put("/v1/storefront/customers/<customer_id>")
def put_customer(customer_id: str) -> Response:
    return json_response(storefront.signed_customer(app.current_event.headers, customer_id, _raw_body()))


@app.put("/v1/storefront/orders/<reference>")
def put_order(reference: str) -> Response:
    return json_response(storefront.signed_order(app.current_event.headers, reference, _raw_body()))


@app.post("/v1/storefront/messages")
def post_signed_message() -> Response:
    request = _request()
    return _answer(storefront.post_signed_message(app.current_event.headers, request.body, request))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
