"""The agents' API, behind the Cognito JWT authorizer."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from shopdesk import contacts, imap_sync
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


# --- mail sync (issue 5): status, "Run sync" (asynchronous), test connection (admin) ---


@app.get("/v1/sync")
def get_sync_status() -> Response:
    agent_from_event(app.current_event.raw_event)
    return json_response(imap_sync.sync_status())


@app.post("/v1/sync")
def start_sync() -> Response:
    agent_from_event(app.current_event.raw_event)
    return json_response(imap_sync.start_async(), status=202)


@app.post("/v1/sync/test-connection")
def test_sync_connection() -> Response:
    require_admin(app.current_event.raw_event)
    return json_response(imap_sync.check_connection())


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
