"""The agents' API, behind the Cognito JWT authorizer."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from shopdesk import antispam, contacts
from shopdesk.auth import agent_from_event, require_admin
from shopdesk.http import json_body, json_response, make_resolver

app = make_resolver()


@app.get("/v1/me")
def get_me() -> Response:
    return json_response(agent_from_event(app.current_event.raw_event).to_dict())


@app.get("/v1/contacts")
def list_contacts() -> Response:
    agent_from_event(app.current_event.raw_event)
    return json_response(contacts.list_contacts())


@app.post("/v1/contacts")
def create_contact() -> Response:
    require_admin(app.current_event.raw_event)
    return json_response(contacts.create_contact(json_body(app)), status=201)


@app.put("/v1/contact-order")
def reorder_contacts() -> Response:
    require_admin(app.current_event.raw_event)
    return json_response(contacts.reorder_contacts(json_body(app)))


@app.get("/v1/contacts/<contact_id>")
def get_contact(contact_id: str) -> Response:
    agent_from_event(app.current_event.raw_event)
    return json_response(contacts.contact_view(contacts.get_contact(contact_id)))


@app.patch("/v1/contacts/<contact_id>")
def update_contact(contact_id: str) -> Response:
    require_admin(app.current_event.raw_event)
    return json_response(contacts.update_contact(contact_id, json_body(app)))


@app.delete("/v1/contacts/<contact_id>")
def delete_contact(contact_id: str) -> Response:
    require_admin(app.current_event.raw_event)
    contacts.delete_contact(contact_id)
    return Response(status_code=204)


# --- blocked senders (issue 3: anti-spam), admins only ---------------------------------------------


@app.get("/v1/blocked-senders")
def list_blocked_senders() -> Response:
    require_admin(app.current_event.raw_event)
    return json_response(antispam.list_blocked())


@app.post("/v1/blocked-senders")
def add_blocked_sender() -> Response:
    admin = require_admin(app.current_event.raw_event)
    return json_response(antispam.add_blocked(json_body(app), admin.username), status=201)


@app.delete("/v1/blocked-senders/<value>")
def remove_blocked_sender(value: str) -> Response:
    require_admin(app.current_event.raw_event)
    antispam.remove_blocked(value)
    return Response(status_code=204)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
