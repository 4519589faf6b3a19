"""What the shop's back end sends, HMAC-signed (docs/storefront.md): customers, orders, and form
posts on behalf of a logged-in customer. The signature covers the method, the path as requested
and the raw body, so they are read raw."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from shopdesk.api.docs import answers
from shopdesk.api.http import json_response
from shopdesk.core.observability import count
from shopdesk.intake import storefront

from public_routes.raw import answer, intake_request, raw_body, signed_target

router = Router()

SIGNED = "HMAC-SHA256 signed over method, path and body: X-Shopdesk-Timestamp and X-Shopdesk-Signature headers (docs/storefront.md)."


@router.put(
    "/v1/storefront/customers/<customer_id>",
    summary="Upsert a customer. " + SIGNED,
    responses=answers({200: {"type": "object"}, 401: "Error", 422: "Error"}),
)
def put_customer(customer_id: str) -> Response[str]:
    return json_response(storefront.signed_customer(router.current_event.headers, signed_target(router), customer_id, raw_body(router)))


@router.put(
    "/v1/storefront/orders/<reference>",
    summary="Upsert an order and its status history. " + SIGNED,
    responses=answers({200: {"type": "object"}, 401: "Error", 422: "Error"}),
)
def put_order(reference: str) -> Response[str]:
    return json_response(storefront.signed_order(router.current_event.headers, signed_target(router), reference, raw_body(router)))


@router.post(
    "/v1/storefront/messages",
    summary="A form post on behalf of a logged-in customer. " + SIGNED,
    responses=answers({201: {"type": "object"}, 401: "Error", 422: "Error"}),
)
def post_signed_message() -> Response[str]:
    request = intake_request(router)
    result = storefront.post_signed_message(router.current_event.headers, signed_target(router), request.body, request)
    if "error" not in result.body:  # a plain form's refusal is a 303 too
        count("MessagesReceived")
    return answer(result)
