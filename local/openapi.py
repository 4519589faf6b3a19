"""`make openapi`: the OpenAPI documents of both APIs, generated from the routes.

Powertools builds each document from its resolver (`app.get_openapi_schema()`): paths, summaries,
query and path parameters, and the request bodies from the routes' pydantic models. What the
routes answer are views' shapes, named by `shopdesk.api.docs.answers` and defined below (they
follow docs/api.md). This module then puts the document in Shopdesk's terms: every error answer is
the `Error` shape (Powertools' 422 schema is not what Shopdesk answers), each agents' route is
tagged `admin` or `team` from its `@admin_only` / `@agent_only`, and a route that reads its body
itself documents it with `@reads_raw_body`. tests/test_openapi.py fails when
the committed documents (docs/openapi/agents.json, docs/openapi/public.json) differ from this.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from typing import Any

from local.template import ROOT

OUTPUT = ROOT / "docs" / "openapi"

_S = {"type": "string"}
_SN = {"type": ["string", "null"]}
_I = {"type": "integer"}
_IN = {"type": ["integer", "null"]}
_B = {"type": "boolean"}
_NAMES = {"type": "object", "description": "per language (en, es, pl)", "additionalProperties": {"type": "string"}}


_ABUSE_LIMITS = (
    "rate_limit_per_ip",
    "rate_limit_per_email",
    "upload_limit_per_ip",
    "upload_limit_per_form",
    "confirmation_limit_per_recipient",
    "confirmation_limit_per_shop",
)


def _obj(properties: dict[str, Any], required: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = sorted(properties)
    return schema


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_SYNC_COUNTS = {
    **{name: _I for name in ("imported", "matched", "new_threads", "skipped", "bounced")},
    "unknown_reports": {"type": "integer", "description": "delivery reports about mail Shopdesk never sent"},
    "failed": _I,
}
_DELIVERY = {
    "oneOf": [
        _obj(
            {
                "state": {"type": "string", "enum": ["sent", "not_sent", "delayed", "bounced"]},
                "message_id": {"type": ["string", "null"], "description": "SES's message id, kept when the mail bounces"},
                "error": _SN,
                "at": _SN,
                "status": {"type": ["string", "null"], "description": "bounced: the report's status code (5.1.1)"},
                "diagnostic": {"type": ["string", "null"], "description": "bounced: the receiving server's words (550 5.1.1 … user unknown)"},
                "recipient": {"type": ["string", "null"], "description": "bounced: the address that refused it"},
                "bounced_at": {"type": ["string", "null"], "description": "bounced: when the report came"},
                "delayed_at": {"type": ["string", "null"], "description": "delayed: when the last delay report came (the receiving side is still retrying)"},
            }
        ),
        {"type": "null"},
    ]
}
_MAIL_LOG_ENTRY = _obj(
    {
        "id": {"type": "string", "description": "the mail's Message-ID (or the digest of a mail without one)"},
        "at": _S,
        "outcome": {"type": "string", "enum": ["imported", "skipped", "bounced", "failed"]},
        "reason": {"type": ["string", "null"], "description": "imported: the match rule; skipped: why; bounced: delivery_report or unknown_message"},
        "error": {"type": ["string", "null"], "description": "failed (set aside): why"},
        "sender": _SN,
        "subject": _SN,
        "size": _IN,
        "thread_number": _IN,
        "reply": {"type": ["string", "null"], "description": "bounced: the message id of the reply the report is about"},
        "set_aside": {"type": ["string", "null"], "description": "failed: the set-aside mail's name (POST /v1/mail-log/set-aside/{name})"},
    }
)
_SUMMARY_FIELDS = {
    "number": _I,
    "customer_name": _SN,
    "email": _S,
    "contact_id": _S,
    "contact_names": _NAMES,
    "language": _S,
    "status": {"type": "string", "enum": ["open", "closed", "pending1", "pending2"]},
    "last_agent": _SN,
    "assignee": {"oneOf": [_obj({"sub": _S, "name": _S}), {"type": "null"}]},
    "preview": _S,
    "private": _B,
    "spam": _B,
    "last_message_at": _S,
    "customer_messages": _I,
    "agent_messages": _I,
    "unread": _B,
    "tags": {"type": "array", "items": _S},
}
_IMAP_FIELDS = {
    "host": _S,
    "port": _I,
    "user": _S,
    "security": {"type": "string", "enum": ["tls", "starttls", "none"]},
    "verify_certificate": _B,
    "folder": _S,
    "delete_after_sync": _B,
    "create_new_threads": _B,
}

_FILE = {"type": "object", "properties": {"filename": _S, "content_type": _S, "size": _I, "url": _S}}
_EXPORTED_MESSAGE = {
    "type": "object",
    "description": "author, source, created_at, text, attachments; a customer's message adds new_text, product, ip, user_agent; a reply its delivery state",
    "properties": {"author": _S, "source": _S, "created_at": _S, "text": _S, "attachments": {"type": "array", "items": _FILE}},
}
_ERASED_COUNTS = ["threads", "messages", "attachments", "customer", "orders", "aliases", "open_claims", "rate_windows"]
_ORDER_EXPORT = {
    "type": "object",
    "properties": {
        "reference": _S, "total": _S, "currency": _S, "validated": _B, "placed_at": _SN,
        "history": {"type": "array", "items": {"type": "object", "properties": {"status": _S, "at": _S}}},
    },
}
_THREAD_EXPORT = {
    "type": "object",
    "properties": {
        "number": _I, "status": _S, "order_ref": _SN, "created_at": _S,
        "messages": {"type": "array", "items": _EXPORTED_MESSAGE},
        "internal_notes": {"type": "array", "items": _EXPORTED_MESSAGE},
    },
}

SCHEMAS: dict[str, Any] = {
    "Error": _obj(
        {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": _S,
                    "message": _S,
                    "fields": {"type": "array", "items": _obj({"field": _S, "code": _S, "message": _S})},
                },
            }
        }
    ),
    "Me": _obj({"sub": _S, "username": _S, "name": _S, "groups": {"type": "array", "items": _S}, "is_admin": _B}),
    "Contact": _obj(
        {"id": _S, "names": _NAMES, "descriptions": _NAMES, "email": _SN, "save_messages": _B, "position": _I, "created_at": _S, "updated_at": _S}
    ),
    "ContactList": _obj({"contacts": {"type": "array", "items": _ref("Contact")}}),
    "PublicContacts": _obj({"language": _S, "contacts": {"type": "array", "items": _obj({"id": _S, "name": _S, "description": _S})}}),
    "Dashboard": _obj(
        {
            "boxes": {
                "type": "array",
                "items": _obj({"contact_id": _S, "names": _NAMES, "open": _I, "oldest_open_thread": _IN}),
            },
            "statistics": _obj(
                {"threads_total": _I, "threads_pending": _I, "customer_messages": _I, "agent_messages": _I, "unread": _I, "closed": _I}
            ),
            "indicators": _obj(
                {"pending_discussions": _I, "average_response_seconds": _IN, "messages_per_closed_thread": {"type": ["number", "null"]}}
            ),
            "assignment": _obj(
                {
                    "everyone": _I,
                    "unassigned": _I,
                    "agents": {"type": "array", "items": _obj({"sub": _S, "name": _S, "active": _I})},
                }
            ),
            "former_contacts": {
                "type": "array",
                "description": "deleted contacts that threads still carry (the list's contact filter keeps them)",
                "items": _obj({"contact_id": _S, "names": _NAMES}),
            },
        }
    ),
    "ThreadSummary": _obj(_SUMMARY_FIELDS),
    "ThreadDetail": _obj(
        {
            **_SUMMARY_FIELDS,
            "created_at": _S,
            "last_customer_message_at": _SN,
            "order_ref": _SN,
            "product": _SN,
            "customer_id": _SN,
            "first_response_at": _SN,
            "snooze_until": {"type": ["string", "null"], "description": "pending until this time, then open again"},
            "merged_from": {"type": "array", "items": _I, "description": "the numbers of the threads merged into this one (they lead here)"},
        }
    ),
    "TagList": _obj({"tags": {"type": "array", "items": _obj({"tag": _S, "threads": _I})}}),
    "TagChange": _obj({"tag": _S, "threads": _I}),
    "ThreadPage": _obj({"threads": {"type": "array", "items": _ref("ThreadSummary")}, "next_cursor": _SN}),
    "Message": _obj(
        {
            "id": _S,
            "author": {"type": "string", "enum": ["customer", "agent", "system"]},
            "agent": _SN,
            "source": {"type": "string", "enum": ["form", "email", "agent", "note", "forward", "handover", "merge", "split"]},
            "text": _S,
            "new_text": _SN,
            "private": _B,
            "created_at": _S,
            "ip": _SN,
            "user_agent": _SN,
            "product": _SN,
            "attachments": {"type": "array", "items": _obj({"index": _I, "filename": _S, "content_type": _S, "size": _I})},
            "delivery": _DELIVERY,
            "notification": _DELIVERY,
            "match_rule": _SN,
            "assignee_name": _SN,
            "has_original": {"type": "boolean", "description": "came by mail: GET …/messages/{id}/original downloads the raw e-mail"},
            "text_cut": {"type": "boolean", "description": "the text is the start of a longer one: GET …/messages/{id}/whole-text downloads it all"},
        }
    ),
    "Customer": _obj(
        {"email": _S, "name": _SN, "customer_id": _SN, "since": _SN, "validated_orders": _I, "validated_total": _S, "currency": _SN}
    ),
    "HistoryEntry": {
        "type": "object",
        "required": ["type", "at"],
        "description": "message: message_id, author, source, private, preview; order: reference, total, currency, validated; order_status: reference, status",
        "properties": {
            "type": {"type": "string", "enum": ["message", "order", "order_status"]},
            "at": _S,
            "message_id": _S,
            "author": _S,
            "source": _S,
            "private": _B,
            "preview": _S,
            "reference": _S,
            "total": _S,
            "currency": _S,
            "validated": _B,
            "status": _S,
        },
    },
    "ThreadView": _obj(
        {
            "thread": _ref("ThreadDetail"),
            "messages": {"type": "array", "items": _ref("Message")},
            "customer": {"oneOf": [_ref("Customer"), {"type": "null"}]},
            "contact": _obj({"contact_id": _S, "names": _NAMES, "email": _SN}),
            "history": {"type": "array", "items": _ref("HistoryEntry")},
            "default_reply": _S,
            "after_send_default": {"type": "string", "pattern": "^(close|open)$"},
            "presence": {"type": "array", "items": _obj({"sub": _S, "name": _S, "state": {"type": "string", "enum": ["viewing", "writing"]}, "at": _S})},
            "default_reply_language": {"type": ["string", "null"], "description": "not the thread's language: its language has no default message"},
            "drafts": {
                "type": "array",
                "description": "the caller's own drafts with their text; colleagues' drafts say only who (text null)",
                "items": _obj({"kind": _S, "agent": _S, "mine": _B, "updated_at": _S, "text": _SN}),
            },
            "other_threads": {"type": "array", "items": _ref("OtherThread"), "description": "the customer's newest other threads (at most 10)"},
            "orders": {"type": "array", "items": _ref("OrderLine")},
        }
    ),
    "DraftSaved": _obj({"kind": _S, "saved": _B, "updated_at": _SN}),
    "SavedReply": _obj({"id": _S, "title": _S, "texts": _NAMES, "updated_at": _S}),
    "SavedReplyLibrary": _obj({"saved_replies": {"type": "array", "items": _ref("SavedReply")}, "variables": {"type": "array", "items": _S}}),
    "FilledSavedReplies": _obj(
        {
            "saved_replies": {
                "type": "array",
                "items": _obj(
                    {
                        "id": _S,
                        "title": _S,
                        "language": _S,
                        "fallback": {"type": "boolean", "description": "the thread's language has no text: this is the shop's default language's"},
                        "text": _S,
                        "unknown": {"type": "array", "items": _S},
                        "empty": {"type": "array", "items": _S},
                    }
                ),
            }
        }
    ),
    "OtherThread": _obj(
        {"number": _I, "status": _S, "spam": _B, "preview": _S, "order_ref": _SN, "contact_names": _NAMES, "created_at": _S, "last_message_at": _S}
    ),
    "OrderLine": _obj({"reference": _S, "total": _S, "currency": _S, "validated": _B, "placed_at": _SN, "status": _SN}),
    "CustomerStory": _obj(
        {
            "email": _S,
            "customer": {"oneOf": [_ref("Customer"), {"type": "null"}]},
            "orders": {"type": "array", "items": _ref("OrderLine")},
            "threads": {"type": "array", "items": _ref("ThreadSummary")},
            "next_cursor": _SN,
        }
    ),
    "ThreadOnly": _obj({"thread": _ref("ThreadDetail")}),
    "Neighbour": _obj({"number": _IN}),
    "ThreadAndMessage": _obj({"thread": _ref("ThreadDetail"), "message": _ref("Message")}),
    "ThreadAndEntry": _obj({"thread": _ref("ThreadDetail"), "message": {"oneOf": [_ref("Message"), {"type": "null"}]}}),
    # 409 reply_outdated also carries `thread` and `new_messages` (what was written since last_seen).
    "ReplyNotSent": {"allOf": [_ref("Error"), _ref("ThreadAndMessage")], "description": "the reply is stored as not sent; retry it"},
    "BulkResult": _obj({"done": {"type": "array", "items": _I}, "failed": {"type": "array", "items": _obj({"number": _I, "code": _S})}}),
    "DownloadLink": _obj({"url": _S, "filename": _S, "expires_in": _I}),
    "UploadForm": _obj({"url": _S, "fields": {"type": "object"}, "upload_key": _S, "filename": _S, "max_size": _I}),
    "AgentList": _obj({"agents": {"type": "array", "items": _obj({"email": _S, "sub": _S, "name": _S, "groups": {"type": "array", "items": _S}})}}),
    "Settings": _obj(
        {
            "allow_uploads": _B,
            "default_messages": _NAMES,
            "notify_contact": _B,
            "confirm_visitor": _B,
            "assign_on_first_reply": _B,
            "notify_assignee": _B,
            "after_send_default": {"type": "string", "pattern": "^(close|open)$"},
            "imap": _obj({**_IMAP_FIELDS, "password_set": _B}),
            # The storefront's abuse limits in force (the shop's own, else the defaults) and the defaults.
            "abuse_limits": _obj({name: _I for name in _ABUSE_LIMITS}),
            "abuse_limit_defaults": _obj({name: _I for name in _ABUSE_LIMITS}),
        }
    ),
    "CustomerExport": {
        "type": "object",
        "required": ["email", "exported_at", "links_expire_in", "customer", "orders", "threads", "blocked_sender"],
        "properties": {
            "email": _S,
            "exported_at": _S,
            "links_expire_in": _I,
            "customer": {"type": ["object", "null"], "properties": {"customer_id": _SN, "name": _SN, "since": _SN}},
            "orders": {"type": "array", "items": _ORDER_EXPORT},
            "threads": {"type": "array", "items": _THREAD_EXPORT},
            "blocked_sender": {"type": ["object", "null"], "properties": {"value": _S, "created_at": _S}},
        },
    },
    "CustomerErased": {
        "type": "object",
        "required": ["email", "complete", "removed"],
        "properties": {
            "email": _S,
            "complete": {"type": "boolean", "description": "false: time ran out, call again to finish"},
            "removed": {"type": "object", "required": _ERASED_COUNTS, "properties": {name: _I for name in _ERASED_COUNTS}},
        },
    },
    "SyncStatus": _obj(
        {
            "state": {"type": "string", "enum": ["never", "ok", "failed", "running", "paused"]},
            "last_run_at": {"type": ["string", "null"], "description": "the last run that did something (or failed): its figures follow"},
            "checked_at": {"type": ["string", "null"], "description": "the last run of all, even one that found nothing new"},
            "finished_at": _SN,
            **_SYNC_COUNTS,
            "errors": {"type": "array", "items": _obj({"at": _S, "code": _S, "message": _S})},
            "mailboxes": {"type": "array", "description": "each mailbox's own last run", "items": _ref("MailboxSync")},
        }
    ),
    "MailboxSync": _obj(
        {
            "id": _S,
            "name": _S,
            "state": {"type": "string", "enum": ["never", "ok", "failed", "running", "paused"]},
            "last_run_at": _SN,
            "checked_at": _SN,
            "finished_at": _SN,
            **_SYNC_COUNTS,
            "errors": {"type": "array", "items": _obj({"at": _S, "code": _S, "message": _S})},
        }
    ),
    "MailLogEntry": _MAIL_LOG_ENTRY,
    "MailLogPage": _obj({"entries": {"type": "array", "items": _ref("MailLogEntry")}, "next_cursor": _SN}),
    "Mailbox": _obj(
        {
            "id": _S,
            "name": _S,
            "host": _S,
            "port": _I,
            "user": _S,
            "security": {"type": "string", "enum": ["tls", "starttls", "none"]},
            "verify_certificate": _B,
            "folder": _S,
            "delete_after_sync": _B,
            "create_new_threads": _B,
            "contact_id": {**_SN, "description": "the contact its new threads go to (null: by recipient address)"},
            "paused": _B,
            "private_network": {**_B, "description": "an admin allowed a private or loopback address for its server (link-local never)"},
            "private_network_set_by": {**_SN, "description": "the admin who last set or cleared private_network"},
            "private_network_set_at": _SN,
            "password_set": _B,
            "auth": {"type": "string", "enum": ["password", "oauth2"]},
            "provider": {"type": ["string", "null"], "enum": ["google", "microsoft", None]},
            "needs_reconnect": {**_B, "description": "an OAuth2 grant was refused: an admin must reconnect (the admins were mailed once)"},
            "sync": _obj(
                {
                    "state": {"type": "string", "enum": ["never", "ok", "failed", "running", "paused"]},
                    "last_run_at": _SN,
                    "finished_at": _SN,
                    **_SYNC_COUNTS,
                    "errors": {"type": "array", "items": _obj({"at": _S, "code": _S, "message": _S})},
                }
            ),
        }
    ),
    "MailboxList": _obj({"mailboxes": {"type": "array", "items": _ref("Mailbox")}}),
}

APIS = {
    "agents": {
        "folder": "functions/threads_api",
        "module": "threads_api_app",
        "title": "Shopdesk agents' API",
        "description": "The agents' page's API (functions/threads_api). Every route needs a Cognito ID token (API Gateway's JWT "
        "authorizer); routes tagged admin need the admin group (403 `forbidden` otherwise). docs/api.md is the overview.",
        "secured": True,
    },
    "public": {
        "folder": "functions/contact_form",
        "module": "contact_form_app",
        "title": "Shopdesk public (storefront) API",
        "description": "What a shop's contact form and back end call (functions/contact_form). docs/api.md is the overview.",
        "secured": False,
    },
}

_POWERTOOLS_ERRORS = ("HTTPValidationError", "ValidationError", "ResponseValidationError")
_ERROR = {"description": "", "content": {"application/json": {"schema": _ref("Error")}}}
_STANDARD_ERRORS = {"401": "No valid token or signature", "403": "Not allowed (admins only, or not a team member)"}
# API Gateway's JWT authorizer refuses a missing or invalid token itself, with its own body; the
# function's guard answers Shopdesk's Error. A 401 is either.
_UNAUTHORIZED = {
    "description": _STANDARD_ERRORS["401"],
    "content": {"application/json": {"schema": {"anyOf": [_ref("Error"), _obj({"message": _S})]}}},
}
# The agents' API refuses a `lang` it does not speak (422 unknown_language); the public API lets a
# storefront's page pass its own and falls back to Accept-Language, then the shop's default.
_LANG = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["en", "es", "pl"]},
         "description": "the language of the answer's messages (else Accept-Language)"}
_PUBLIC_LANG = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string"},
                "description": "en, es or pl; another value falls back to Accept-Language, then the shop's default"}
# What the resolver answers on any route, whatever the route declares: a body it cannot read, a
# path naming nothing, a query it refuses.
_BODY_ERRORS = {
    "400": "The body is not JSON (invalid_json, json_too_deep)",
    "413": "The body is too large",
    "415": "The body's Content-Type is not one this route reads",
    "422": "Invalid fields (every error at once)",
}


def _import(folder: str, name: str) -> Any:
    for path in (str(ROOT / "layers/common"), str(ROOT / folder)):
        if path not in sys.path:
            sys.path.insert(0, path)
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        return None


def app_routes(module: Any) -> list[tuple[str, str, Any]]:
    """(method, OpenAPI path, handler function) of every route the app's resolver has."""
    table = module.app._static_routes + module.app._dynamic_routes
    return sorted({(r.method.upper(), re.sub(r"<(\w+)>", r"{\1}", r.path), r.func) for r in table}, key=lambda r: (r[1], r[0]))


def used_refs(node: Any) -> set[str]:
    """The component names a part of a document refers to."""
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[-1])
        for value in node.values():
            found |= used_refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= used_refs(value)
    return found


def _operation(operation: dict[str, Any], func: Any, secured: bool) -> dict[str, Any]:
    """One Powertools operation in Shopdesk's terms (see the module's docstring)."""
    from shopdesk.api.auth import access_of
    from shopdesk.api.docs import BODY_ATTRIBUTE

    operation["operationId"] = func.__name__
    if secured:
        operation["tags"] = ["admin" if access_of(func) == "admin" else "team"]
    if not any(p.get("name") == "lang" for p in operation.get("parameters", [])):
        operation.setdefault("parameters", []).append(_LANG if secured else _PUBLIC_LANG)
    body = getattr(func, BODY_ATTRIBUTE, None)
    if body is not None:
        operation["requestBody"] = {"required": True, "content": body}
    responses = operation.setdefault("responses", {})
    for status in ("204", "303"):  # no body, whatever the return annotation says
        if status in responses:
            responses[status].pop("content", None)
    for status, answer in list(responses.items()):
        if used_refs(answer) & set(_POWERTOOLS_ERRORS):  # what Powertools would answer; Shopdesk answers Error
            responses[status] = {**_ERROR, "description": "Invalid fields (every error at once)"}
    if operation.get("requestBody") or any(p.get("in") == "query" and (secured or p.get("name") != "lang") for p in operation.get("parameters", [])):
        responses.setdefault("422", {**_ERROR, "description": _BODY_ERRORS["422"]})
    if operation.get("requestBody"):
        for status, text in _BODY_ERRORS.items():
            responses.setdefault(status, {**_ERROR, "description": text})
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        responses.setdefault("404", {**_ERROR, "description": "Not found"})
    if secured:
        for status, text in _STANDARD_ERRORS.items():
            responses.setdefault(status, {**_ERROR, "description": text})
        responses["401"] = _UNAUTHORIZED
    responses.setdefault("500", {**_ERROR, "description": "Something failed on our side"})
    operation["responses"] = dict(sorted(responses.items()))
    return operation


def document(api: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of one API ("agents" or "public"), from its resolver's routes."""
    spec = APIS[api]
    module = _import(spec["folder"], spec["module"])
    generated = json.loads(module.app.get_openapi_json_schema(title=spec["title"], version="1", description=spec["description"]))
    functions = {(method.lower(), path): func for method, path, func in app_routes(module)}
    paths: dict[str, Any] = {}
    for path, operations in sorted(generated["paths"].items()):
        for method, operation in sorted(operations.items()):
            paths.setdefault(path, {})[method] = _operation(operation, functions[(method, path)], spec["secured"])
    models = {name: schema for name, schema in generated.get("components", {}).get("schemas", {}).items() if name not in _POWERTOOLS_ERRORS}
    shapes: dict[str, Any] = {"Error": SCHEMAS["Error"]}
    pending = used_refs(paths) - set(models)
    while pending:
        name = pending.pop()
        shapes[name] = SCHEMAS[name]
        pending |= used_refs(SCHEMAS[name]) - set(shapes) - set(models)
    result: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": spec["title"], "version": "1", "description": spec["description"]},
        "paths": paths,
        "components": {"schemas": dict(sorted({**models, **shapes}.items()))},
    }
    if spec["secured"]:
        result["components"]["securitySchemes"] = {"cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT (Cognito ID token)"}}
        result["security"] = [{"cognito": []}]
    return result


def render(api: str) -> str:
    return json.dumps(document(api), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for api in APIS:
        target = OUTPUT / f"{api}.json"
        target.write_text(render(api))
        print(f"wrote {target.relative_to(ROOT)} ({len(document(api)['paths'])} paths)")


if __name__ == "__main__":
    main()
