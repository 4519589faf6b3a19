"""What each route of the agents' API takes and answers, for the generated OpenAPI document
(`make openapi` → docs/openapi/agents.json; a test fails when it drifts from the routes).

Keys are "METHOD /path" as API Gateway writes them; answers name the shared shapes of
local/openapi.py (docs/api.md). A route of the app with no entry here is still documented, from
its path and docstring. Nothing here is used at run time.
"""

from __future__ import annotations

from typing import Any

_STATUS = {"type": "string", "enum": ["open", "closed", "pending1", "pending2"]}
_NUMBER_ONLY: dict[str, Any] = {}
_S = {"type": "string"}
_NS = {"type": ["string", "null"]}
_I = {"type": "integer"}
_FILE = {"type": "object", "properties": {"filename": _S, "content_type": _S, "size": _I, "url": _S}}
_EXPORTED_MESSAGE = {
    "type": "object",
    "description": "author, source, created_at, text, attachments; a customer's message adds new_text, product, ip, user_agent; a reply its delivery state",
    "properties": {"author": _S, "source": _S, "created_at": _S, "text": _S, "attachments": {"type": "array", "items": _FILE}},
}
_CUSTOMER_EXPORT: dict[str, Any] = {
    "type": "object",
    "required": ["email", "exported_at", "links_expire_in", "customer", "orders", "threads", "blocked_sender"],
    "properties": {
        "email": _S,
        "exported_at": _S,
        "links_expire_in": _I,
        "customer": {"type": ["object", "null"], "properties": {"customer_id": _NS, "name": _NS, "since": _NS}},
        "orders": {"type": "array", "items": {"type": "object", "properties": {"reference": _S, "total": _S, "currency": _S, "validated": {"type": "boolean"}, "placed_at": _NS, "history": {"type": "array", "items": {"type": "object", "properties": {"status": _S, "at": _S}}}}}},
        "threads": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "number": _I,
                    "status": _S,
                    "order_ref": _NS,
                    "created_at": _S,
                    "messages": {"type": "array", "items": _EXPORTED_MESSAGE},
                    "internal_notes": {"type": "array", "items": _EXPORTED_MESSAGE},
                },
            },
        },
        "blocked_sender": {"type": ["object", "null"], "properties": {"value": _S, "created_at": _S}},
    },
}
_ERASED_COUNTS = ["threads", "messages", "attachments", "customer", "orders", "aliases", "open_claims", "rate_windows"]
_CUSTOMER_ERASED: dict[str, Any] = {
    "type": "object",
    "required": ["email", "complete", "removed"],
    "properties": {"email": _S, "complete": {"type": "boolean", "description": "false: time ran out, call again to finish"}, "removed": {"type": "object", "required": _ERASED_COUNTS, "properties": {name: _I for name in _ERASED_COUNTS}}},
}

ROUTE_DOCS: dict[str, dict[str, Any]] = {
    "GET /v1/me": {"summary": "Who is signed in", "responses": {"200": "Me"}},
    "GET /v1/contacts": {"summary": "Every contact, by position", "responses": {"200": "ContactList"}},
    "POST /v1/contacts": {"summary": "Create a contact", "admin": True, "body": "ContactInput", "responses": {"201": "Contact", "422": "Error"}},
    "PUT /v1/contact-order": {
        "summary": "Reorder the contacts",
        "admin": True,
        "body": {"type": "object", "required": ["order"], "properties": {"order": {"type": "array", "items": {"type": "string"}}}},
        "responses": {"200": "ContactList", "422": "Error"},
    },
    "GET /v1/contacts/{contact_id}": {"summary": "One contact", "responses": {"200": "Contact", "404": "Error"}},
    "PATCH /v1/contacts/{contact_id}": {"summary": "Edit a contact", "admin": True, "body": "ContactInput", "responses": {"200": "Contact", "404": "Error", "422": "Error"}},
    "DELETE /v1/contacts/{contact_id}": {"summary": "Delete a contact (its threads keep its last name)", "admin": True, "responses": {"204": None, "404": "Error"}},
    "GET /v1/dashboard": {"summary": "Boxes, statistics and indicators of the list screen", "responses": {"200": "Dashboard"}},
    "GET /v1/threads": {
        "summary": "List and search threads, newest (or oldest) first, one page at a time",
        "query": {
            "status": _STATUS,
            "contact": {"type": "string"},
            "language": {"type": "string", "enum": ["en", "es", "pl"]},
            "agent": {"type": "string", "description": "the last agent's e-mail"},
            "private": {"type": "boolean", "description": "only threads with a private note"},
            "unread": {"type": "boolean", "description": "only threads the caller has not opened since their last message"},
            "from": {"type": "string", "description": "last message on or after (YYYY-MM-DD or ISO-8601)"},
            "to": {"type": "string", "description": "last message on or before (YYYY-MM-DD or ISO-8601)"},
            "q": {"type": "string", "description": "an e-mail address, the start of a customer's name, or a thread number (1042 or #1042)"},
            "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
            "cursor": {"type": "string", "description": "next_cursor of the previous page"},
            "order": {
                "type": "string",
                "enum": ["newest", "oldest"],
                "default": "newest",
                "description": "by last message date; a name search always goes in name order",
            },
        },
        "responses": {"200": "ThreadPage", "400": "Error", "422": "Error"},
    },
    "POST /v1/threads/bulk": {
        "summary": "Delete threads or change their status, each on its own",
        "body": {
            "type": "object",
            "required": ["action", "numbers"],
            "properties": {
                "action": {"type": "string", "enum": ["delete", "status"]},
                "status": _STATUS,
                "numbers": {"type": "array", "items": {"type": "integer"}, "maxItems": 100},
            },
        },
        "responses": {"200": "BulkResult", "422": "Error"},
    },
    "GET /v1/threads/{number}": {"summary": "A thread with its messages, customer, history and neighbours; marks it read", "responses": {"200": "ThreadView", "404": "Error"}},
    "DELETE /v1/threads/{number}": {"summary": "Delete a thread, its messages and their files", "responses": {"204": None, "404": "Error"}},
    "PUT /v1/threads/{number}/status": {
        "summary": "Mark as handled, re-open, mark as pending 1/2, disable pending",
        "body": {"type": "object", "required": ["status"], "properties": {"status": _STATUS}},
        "responses": {"200": "ThreadOnly", "400": "Error", "404": "Error"},
    },
    "PUT /v1/threads/{number}/spam": {
        "summary": "Mark as spam (closes the thread; block_sender adds its address to the blocked senders) or unmark",
        "body": {
            "type": "object",
            "required": ["spam"],
            "properties": {"spam": {"type": "boolean"}, "block_sender": {"type": "boolean", "default": False}},
        },
        "responses": {"200": "ThreadOnly", "404": "Error", "422": "Error"},
    },
    "POST /v1/threads/{number}/replies": {
        "summary": "Reply to the customer by e-mail; the thread closes",
        "body": "ReplyInput",
        "responses": {"201": "ThreadAndMessage", "422": "Error", "502": "ReplyNotSent"},
    },
    "POST /v1/threads/{number}/replies/{message_id}/retry": {
        "summary": "Send a reply that was kept as not sent",
        "responses": {"200": "ThreadAndMessage", "404": "Error", "409": "Error", "502": "ReplyNotSent"},
    },
    "POST /v1/threads/{number}/notes": {
        "summary": "Add a private note (never sent)",
        "body": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
        "responses": {"201": "ThreadAndMessage", "422": "Error"},
    },
    "POST /v1/threads/{number}/forward": {
        "summary": "Forward the whole discussion to an agent or any address; records a private note",
        "body": {
            "type": "object",
            "properties": {"to_agent": {"type": "string", "format": "email"}, "to_email": {"type": "string", "format": "email"}, "comment": {"type": "string"}},
        },
        "responses": {"201": "ThreadAndMessage", "422": "Error", "502": "Error"},
    },
    "GET /v1/threads/{number}/attachments/{message_id}/{index}": {
        "summary": "A short-lived link that downloads a message's file",
        "responses": {"200": "DownloadLink", "404": "Error"},
    },
    "POST /v1/reply-uploads": {
        "summary": "A presigned POST for a reply attachment",
        "body": {"type": "object", "required": ["filename"], "properties": {"filename": {"type": "string"}}},
        "responses": {"201": "UploadForm", "422": "Error"},
    },
    "GET /v1/agents": {"summary": "The team: forward targets", "responses": {"200": "AgentList"}},
    "GET /v1/settings": {"summary": "The shop's settings (never the IMAP password)", "admin": True, "responses": {"200": "Settings"}},
    "PATCH /v1/settings": {
        "summary": "Change some settings; imap.password is write-only",
        "admin": True,
        "body": "SettingsInput",
        "responses": {"200": "Settings", "422": "Error"},
    },
    "GET /v1/blocked-senders": {"summary": "The blocked-sender list", "admin": True, "responses": {"200": {"type": "object"}}},
    "POST /v1/blocked-senders": {
        "summary": "Block an address or a domain",
        "admin": True,
        "body": {"type": "object", "required": ["value"], "properties": {"value": {"type": "string"}}},
        "responses": {"201": {"type": "object"}, "422": "Error"},
    },
    "DELETE /v1/blocked-senders/{value}": {"summary": "Unblock", "admin": True, "responses": {"204": None}},
    "POST /v1/sync": {"summary": "Start the mail sync now (asynchronously)", "responses": {"202": {"type": "object", "properties": {"started": {"type": "boolean"}}}}},
    "GET /v1/sync": {"summary": "The last mail sync's result", "responses": {"200": "SyncStatus"}},
    "POST /v1/sync/test-connection": {
        "summary": "Try the IMAP settings",
        "admin": True,
        "responses": {"200": {"type": "object", "properties": {"ok": {"type": "boolean"}, "code": {"type": "string"}, "message": {"type": "string"}}}},
    },
    # A customer's data on request (SPEC §10), shopdesk/admin/privacy.py.
    "GET /v1/customers/{email}/export": {
        "summary": "Everything held about an address as one JSON document (GDPR access request): profile, orders, threads with messages and internal notes, file links",
        "admin": True,
        "responses": {"200": _CUSTOMER_EXPORT, "422": "Error"},
    },
    "DELETE /v1/customers/{email}": {
        "summary": "Erase an address's threads (with messages and files), profile, orders, aliases and claims; counts of what went (erasing twice answers zeros)",
        "admin": True,
        "responses": {"200": _CUSTOMER_ERASED, "409": "Error", "422": "Error"},
    },
}
