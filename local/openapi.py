"""`make openapi`: the OpenAPI documents of both APIs, generated from the code.

Each API's paths come from its resolver's route table (every route the app really has, whoever
added it), described by the `ROUTE_DOCS` kept next to the routes (functions/*/*_openapi.py); the
shared shapes below follow docs/api.md. tests/test_openapi.py fails when the committed documents
(docs/openapi/agents.json, docs/openapi/public.json) differ from what this generates.
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


def _obj(properties: dict[str, Any], required: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = sorted(properties)
    return schema


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_DELIVERY = {"oneOf": [_obj({"state": {"type": "string", "enum": ["sent", "not_sent", "bounced"]}, "message_id": _SN, "error": _SN, "at": _SN}), {"type": "null"}]}
_SUMMARY_FIELDS = {
    "number": _I,
    "customer_name": _SN,
    "email": _S,
    "contact_id": _S,
    "contact_names": _NAMES,
    "language": _S,
    "status": {"type": "string", "enum": ["open", "closed", "pending1", "pending2"]},
    "last_agent": _SN,
    "preview": _S,
    "private": _B,
    "spam": _B,
    "last_message_at": _S,
    "customer_messages": _I,
    "agent_messages": _I,
    "unread": _B,
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
    "Me": _obj({"sub": _S, "username": _S, "groups": {"type": "array", "items": _S}, "is_admin": _B}),
    "Contact": _obj(
        {"id": _S, "names": _NAMES, "descriptions": _NAMES, "email": _SN, "save_messages": _B, "position": _I, "created_at": _S, "updated_at": _S}
    ),
    "ContactInput": _obj({"names": _NAMES, "descriptions": _NAMES, "email": _SN, "save_messages": _B, "position": _I}, required=False),
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
        }
    ),
    "ThreadPage": _obj({"threads": {"type": "array", "items": _ref("ThreadSummary")}, "next_cursor": _SN}),
    "Message": _obj(
        {
            "id": _S,
            "author": {"type": "string", "enum": ["customer", "agent", "system"]},
            "agent": _SN,
            "source": {"type": "string", "enum": ["form", "email", "agent", "note", "forward"]},
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
            "neighbours": _obj({"previous": _IN, "next": _IN}),
            "history": {"type": "array", "items": _ref("HistoryEntry")},
            "default_reply": _S,
        }
    ),
    "ThreadOnly": _obj({"thread": _ref("ThreadDetail")}),
    "ThreadAndMessage": _obj({"thread": _ref("ThreadDetail"), "message": _ref("Message")}),
    "ReplyNotSent": {"allOf": [_ref("Error"), _ref("ThreadAndMessage")], "description": "the reply is stored as not sent; retry it"},
    "ReplyInput": _obj(
        {"text": _S, "attachments": {"type": "array", "maxItems": 5, "items": _obj({"upload_key": _S, "filename": _S})}}, required=False
    ),
    "BulkResult": _obj({"done": {"type": "array", "items": _I}, "failed": {"type": "array", "items": _obj({"number": _I, "code": _S})}}),
    "DownloadLink": _obj({"url": _S, "filename": _S, "expires_in": _I}),
    "UploadForm": _obj({"url": _S, "fields": {"type": "object"}, "upload_key": _S, "filename": _S, "max_size": _I}),
    "AgentList": _obj({"agents": {"type": "array", "items": _obj({"email": _S, "groups": {"type": "array", "items": _S}})}}),
    "Settings": _obj(
        {
            "allow_uploads": _B,
            "default_messages": _NAMES,
            "notify_contact": _B,
            "confirm_visitor": _B,
            "imap": _obj({**_IMAP_FIELDS, "password_set": _B}),
        }
    ),
    "SettingsInput": _obj(
        {
            "allow_uploads": _B,
            "default_messages": _NAMES,
            "notify_contact": _B,
            "confirm_visitor": _B,
            "imap": _obj({**_IMAP_FIELDS, "password": {"type": "string", "writeOnly": True}}, required=False),
        },
        required=False,
    ),
    "SyncStatus": _obj(
        {
            "state": {"type": "string", "enum": ["never", "ok", "failed", "running"]},
            "last_run_at": _SN,
            "finished_at": _SN,
            "imported": _I,
            "matched": _I,
            "new_threads": _I,
            "skipped": _I,
            "bounced": _I,
            "failed": _I,
            "errors": {"type": "array", "items": _obj({"at": _S, "code": _S, "message": _S})},
        }
    ),
}

APIS = {
    "agents": {
        "folder": "functions/threads_api",
        "module": "threads_api_app",
        "docs": "threads_api_openapi",
        "title": "Shopdesk agents' API",
        "description": "The agents' page's API (functions/threads_api). Every route needs a Cognito ID token (API Gateway's JWT "
        "authorizer); routes marked admin need the admin group (403 `forbidden` otherwise). docs/api.md is the overview.",
        "secured": True,
    },
    "public": {
        "folder": "functions/contact_form",
        "module": "contact_form_app",
        "docs": "contact_form_openapi",
        "title": "Shopdesk public (storefront) API",
        "description": "What a shop's contact form and back end call (functions/contact_form). docs/api.md is the overview.",
        "secured": False,
    },
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


def _schema(value: Any) -> dict[str, Any]:
    return _ref(value) if isinstance(value, str) else value


def _used_refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[-1]
            if name not in found:
                found.add(name)
                _used_refs(SCHEMAS[name], found)
        for value in node.values():
            _used_refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _used_refs(value, found)


def _operation(method: str, path: str, func: Any, doc: dict[str, Any] | None, secured: bool) -> dict[str, Any]:
    doc = doc or {}
    summary = doc.get("summary") or ((func.__doc__ or "").strip().splitlines() or [func.__name__.replace("_", " ")])[0]
    operation: dict[str, Any] = {"operationId": func.__name__, "summary": summary}
    if secured:
        operation["tags"] = ["admin" if doc.get("admin") else "team"]
    parameters = [{"name": name, "in": "path", "required": True, "schema": _I if name == "number" else _S} for name in re.findall(r"{(\w+)}", path)]
    parameters += [{"name": name, "in": "query", "required": False, "schema": schema} for name, schema in (doc.get("query") or {}).items()]
    if not any(p["name"] == "lang" for p in parameters):  # every answer's messages follow ?lang= (or Accept-Language)
        parameters.append({"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["en", "es", "pl"]}})
    operation["parameters"] = parameters
    if "body" in doc:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _schema(doc["body"])}}}
    responses: dict[str, Any] = {}
    for status, schema in (doc.get("responses") or {"200": {"type": "object"}}).items():
        answer: dict[str, Any] = {"description": _STATUS_TEXT.get(status, "answer")}
        if schema is not None:
            answer["content"] = {"application/json": {"schema": _schema(schema)}}
        responses[status] = answer
    if secured:
        responses.setdefault("401", {"description": _STATUS_TEXT["401"], "content": {"application/json": {"schema": _ref("Error")}}})
        responses.setdefault("403", {"description": _STATUS_TEXT["403"], "content": {"application/json": {"schema": _ref("Error")}}})
    responses.setdefault("500", {"description": _STATUS_TEXT["500"], "content": {"application/json": {"schema": _ref("Error")}}})
    operation["responses"] = dict(sorted(responses.items()))
    return operation


_STATUS_TEXT = {
    "200": "OK",
    "201": "Created",
    "202": "Accepted",
    "204": "No content",
    "303": "Redirect back to the form's page (plain HTML forms)",
    "400": "Bad request",
    "401": "No valid token or signature",
    "403": "Not allowed (admins only, or not a team member)",
    "404": "Not found",
    "409": "Conflict",
    "422": "Invalid fields (every error at once)",
    "500": "Something failed on our side",
    "502": "An AWS service (SES) failed: retry",
}


def document(api: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of one API ("agents" or "public") from its resolver's routes."""
    spec = APIS[api]
    module = _import(spec["folder"], spec["module"])
    docs_module = _import(spec["folder"], spec["docs"])
    route_docs: dict[str, Any] = getattr(docs_module, "ROUTE_DOCS", {}) if docs_module else {}
    paths: dict[str, Any] = {}
    for method, path, func in app_routes(module):
        paths.setdefault(path, {})[method.lower()] = _operation(method, path, func, route_docs.get(f"{method} {path}"), spec["secured"])
    result: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": spec["title"], "version": "1", "description": spec["description"]},
        "paths": paths,
    }
    used: set[str] = {"Error"}
    _used_refs(paths, used)
    result["components"] = {"schemas": {name: SCHEMAS[name] for name in sorted(used)}}
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
