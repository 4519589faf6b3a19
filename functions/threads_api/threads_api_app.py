"""The agents' API, behind the Cognito JWT authorizer."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from shopdesk.admin import agents, contacts, shop_settings
from shopdesk.api.auth import Agent, agent_from_event, require_admin
from shopdesk.api.http import json_body, json_response, make_resolver, request_language
from shopdesk.core.errors import NotFound
from shopdesk.intake import antispam
from shopdesk.mail import imap_sync
from shopdesk.store import attachments, threads
from shopdesk.threads import bulk, dashboard, outbound, thread_list, thread_view
from shopdesk.threads.requests import BulkRequest, ForwardRequest, NoteRequest, ReplyRequest, StatusRequest, parsed
from shopdesk.views import dashboard as dashboard_views
from shopdesk.views import threads as views

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


# --- threads, dashboard, settings, agents (issue 4) ---------------------------------------------------


def _caller() -> Agent:
    return agent_from_event(app.current_event.raw_event)


def _number(raw: str) -> int:
    """A thread number from the path; anything else is a thread that does not exist."""
    if not raw.isdigit() or len(raw) > 10:
        raise NotFound("thread_not_found")
    return int(raw)


@app.get("/v1/dashboard")
def get_dashboard() -> Response:
    _caller()
    return json_response(dashboard_views.dashboard_view(dashboard.dashboard()))


@app.get("/v1/threads")
def list_threads() -> Response:
    agent = _caller()
    return json_response(views.page_view(thread_list.list_threads(agent.sub, app.current_event.query_string_parameters)))


@app.post("/v1/threads/bulk")
def bulk_threads() -> Response:
    _caller()
    return json_response(views.bulk_view(bulk.bulk_change(parsed(BulkRequest, json_body(app)))))


@app.get("/v1/threads/<number>")
def get_thread(number: str) -> Response:
    agent = _caller()
    return json_response(views.screen_view(thread_view.view_thread(agent.sub, _number(number))))


@app.delete("/v1/threads/<number>")
def delete_thread(number: str) -> Response:
    _caller()
    threads.delete_thread(_number(number))
    return Response(status_code=204)


@app.put("/v1/threads/<number>/status")
def change_status(number: str) -> Response:
    _caller()
    return json_response(views.thread_answer(threads.change_status(_number(number), parsed(StatusRequest, json_body(app)).status)))


@app.put("/v1/threads/<number>/spam")
def mark_spam(number: str) -> Response:
    agent = _caller()
    thread = antispam.mark_thread_spam(_number(number), json_body(app), agent.username)
    return json_response(views.thread_answer(thread))


@app.post("/v1/threads/<number>/replies")
def reply(number: str) -> Response:
    agent = _caller()
    return json_response(views.answered(lambda: outbound.reply(agent.username, _number(number), parsed(ReplyRequest, json_body(app)), agent.sub)), status=201)


@app.post("/v1/threads/<number>/replies/<message_id>/retry")
def retry_reply(number: str, message_id: str) -> Response:
    _caller()
    return json_response(views.answered(lambda: outbound.retry_reply(_number(number), message_id)))


@app.post("/v1/threads/<number>/notes")
def add_note(number: str) -> Response:
    agent = _caller()
    return json_response(views.posted_view(outbound.add_note(agent.username, _number(number), parsed(NoteRequest, json_body(app)), agent.sub)), status=201)


@app.post("/v1/threads/<number>/forward")
def forward(number: str) -> Response:
    agent = _caller()
    answer = views.posted_view(outbound.forward(agent.username, _number(number), parsed(ForwardRequest, json_body(app)), request_language(app)))
    return json_response(answer, status=201)


@app.get("/v1/threads/<number>/attachments/<message_id>/<index>")
def download_attachment(number: str, message_id: str, index: str) -> Response:
    _caller()
    return json_response(views.file_link_view(thread_view.attachment_link(_number(number), message_id, index)))


@app.post("/v1/reply-uploads")
def reply_upload() -> Response:
    _caller()
    body = json_body(app)
    filename = body.get("filename") if isinstance(body, dict) else None
    return json_response(attachments.upload_form(filename if isinstance(filename, str) else ""), status=201)


@app.get("/v1/agents")
def list_agents() -> Response:
    _caller()
    return json_response(agents.list_agents())


@app.get("/v1/settings")
def get_settings() -> Response:
    require_admin(app.current_event.raw_event)
    return json_response(shop_settings.settings_view())


@app.patch("/v1/settings")
def update_settings() -> Response:
    require_admin(app.current_event.raw_event)
    return json_response(shop_settings.update_settings(json_body(app)))


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


# --- a customer's data on request (SPEC §10: export and erasure), admins only --------------------


@app.get("/v1/customers/<email>/export")
def export_customer(email: str) -> Response:
    from shopdesk.admin import privacy

    require_admin(app.current_event.raw_event)
    return json_response(privacy.export_customer(email))


@app.delete("/v1/customers/<email>")
def erase_customer(email: str) -> Response:
    from shopdesk.admin import privacy

    require_admin(app.current_event.raw_event)
    context = app.lambda_context
    return json_response(privacy.erase_customer(email, context.get_remaining_time_in_millis if context is not None else None))
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
