"""The public storefront API: what a shop's contact form calls."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from shopdesk.contacts import public_contacts
from shopdesk.http import json_response, make_resolver, request_language

app = make_resolver()


@app.get("/v1/contacts")
def get_contacts() -> Response:
    return json_response(public_contacts(request_language(app)))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
