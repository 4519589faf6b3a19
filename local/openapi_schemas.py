"""The shapes the routes answer, as JSON Schema for the OpenAPI documents (`local/openapi.py`).

The request bodies come from the routes' pydantic models; what a route answers is a view's shape,
named by `shopdesk.api.docs.answers` and defined here, following docs/api.md.
"""

from __future__ import annotations

import sys
from typing import Any

from local.template import ROOT

sys.path.insert(0, str(ROOT / "layers" / "common"))  # the shop's own names, where a shape lists them
from shopdesk.store.settings import ABUSE_LIMIT_NAMES  # noqa: E402

_S = {"type": "string"}
_SN = {"type": ["string", "null"]}
_I = {"type": "integer"}
_IN = {"type": ["integer", "null"]}
_B = {"type": "boolean"}
_NAMES = {"type": "object", "description": "per language (en, es, pl)", "additionalProperties": {"type": "string"}}


def obj(properties: dict[str, Any], required: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = sorted(properties)
    return schema


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_SYNC_COUNTS = {
    **{name: _I for name in ("imported", "matched", "new_threads", "skipped", "bounced")},
    "unknown_reports": {"type": "integer", "description": "delivery reports about mail Shopdesk never sent"},
    "failed": _I,
}
_DELIVERY = {
    "oneOf": [
        obj(
            {
                "state": {"type": "string", "enum": ["sent", "not_sent", "delayed", "bounced"]},
                "message_id": {"type": ["string", "null"], "description": "SES's message id, kept when the mail bounces (via smtp: the Message-ID it was sent with)"},
                "error": _SN,
                "at": _SN,
                "status": {"type": ["string", "null"], "description": "bounced: the report's status code (5.1.1)"},
                "diagnostic": {
                    "type": ["string", "null"],
                    "description": "bounced: the receiving server's words (550 5.1.1 … user unknown)",
                },
                "recipient": {"type": ["string", "null"], "description": "bounced: the address that refused it"},
                "bounced_at": {"type": ["string", "null"], "description": "bounced: when the report came"},
                "delayed_at": {
                    "type": ["string", "null"],
                    "description": "delayed: when the last delay report came (the receiving side is still retrying)",
                },
                "via": {"type": "string", "enum": ["ses", "smtp"], "description": "how it went: SES, or SMTP from the shop's connected account"},
                "sent_from": {"type": ["string", "null"], "description": "smtp: the account it was sent from"},
            }
        ),
        {"type": "null"},
    ]
}
_MAIL_LOG_ENTRY = obj(
    {
        "id": {"type": "string", "description": "the mail's Message-ID (or the digest of a mail without one)"},
        "at": _S,
        "outcome": {"type": "string", "enum": ["imported", "skipped", "bounced", "failed"]},
        "reason": {
            "type": ["string", "null"],
            "description": "imported: the match rule; skipped: why; bounced: delivery_report or unknown_message",
        },
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
    "assignee": {"oneOf": [obj({"sub": _S, "name": _S}), {"type": "null"}]},
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
        "reference": _S,
        "total": _S,
        "currency": _S,
        "validated": _B,
        "placed_at": _SN,
        "history": {"type": "array", "items": {"type": "object", "properties": {"status": _S, "at": _S}}},
    },
}
_THREAD_EXPORT = {
    "type": "object",
    "properties": {
        "number": _I,
        "status": _S,
        "order_ref": _SN,
        "created_at": _S,
        "messages": {"type": "array", "items": _EXPORTED_MESSAGE},
        "internal_notes": {"type": "array", "items": _EXPORTED_MESSAGE},
    },
}

SCHEMAS: dict[str, Any] = {
    "Error": obj(
        {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": _S,
                    "message": _S,
                    "fields": {"type": "array", "items": obj({"field": _S, "code": _S, "message": _S})},
                },
            }
        }
    ),
    "Me": obj({"sub": _S, "username": _S, "name": _S, "groups": {"type": "array", "items": _S}, "is_admin": _B}),
    "Contact": obj(
        {
            "id": _S,
            "names": _NAMES,
            "descriptions": _NAMES,
            "email": _SN,
            "save_messages": _B,
            "position": _I,
            "created_at": _S,
            "updated_at": _S,
        }
    ),
    "ContactList": obj({"contacts": {"type": "array", "items": ref("Contact")}}),
    "PublicContacts": obj({"language": _S, "contacts": {"type": "array", "items": obj({"id": _S, "name": _S, "description": _S})}}),
    "Dashboard": obj(
        {
            "boxes": {
                "type": "array",
                "items": obj({"contact_id": _S, "names": _NAMES, "open": _I, "oldest_open_thread": _IN}),
            },
            "statistics": obj(
                {"threads_total": _I, "threads_pending": _I, "customer_messages": _I, "agent_messages": _I, "unread": _I, "closed": _I}
            ),
            "indicators": obj(
                {"pending_discussions": _I, "average_response_seconds": _IN, "messages_per_closed_thread": {"type": ["number", "null"]}}
            ),
            "assignment": obj(
                {
                    "everyone": _I,
                    "unassigned": _I,
                    "agents": {"type": "array", "items": obj({"sub": _S, "name": _S, "active": _I})},
                }
            ),
            "former_contacts": {
                "type": "array",
                "description": "deleted contacts that threads still carry (the list's contact filter keeps them)",
                "items": obj({"contact_id": _S, "names": _NAMES}),
            },
        }
    ),
    "ThreadSummary": obj(_SUMMARY_FIELDS),
    "ThreadDetail": obj(
        {
            **_SUMMARY_FIELDS,
            "created_at": _S,
            "last_customer_message_at": _SN,
            "order_ref": _SN,
            "product": _SN,
            "customer_id": _SN,
            "first_response_at": _SN,
            "snooze_until": {"type": ["string", "null"], "description": "pending until this time, then open again"},
            "merged_from": {
                "type": "array",
                "items": _I,
                "description": "the numbers of the threads merged into this one (they lead here)",
            },
        }
    ),
    "TagList": obj({"tags": {"type": "array", "items": obj({"tag": _S, "threads": _I})}}),
    "TagChange": obj({"tag": _S, "threads": _I}),
    "ThreadPage": obj({"threads": {"type": "array", "items": ref("ThreadSummary")}, "next_cursor": _SN}),
    "Message": obj(
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
            "attachments": {"type": "array", "items": obj({"index": _I, "filename": _S, "content_type": _S, "size": _I})},
            "delivery": _DELIVERY,
            "notification": _DELIVERY,
            "match_rule": _SN,
            "assignee_name": _SN,
            "has_original": {"type": "boolean", "description": "came by mail: GET …/messages/{id}/original downloads the raw e-mail"},
            "text_cut": {
                "type": "boolean",
                "description": "the text is the start of a longer one: GET …/messages/{id}/whole-text downloads it all",
            },
        }
    ),
    "Customer": obj(
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
    "ThreadView": obj(
        {
            "thread": ref("ThreadDetail"),
            "messages": {"type": "array", "items": ref("Message")},
            "customer": {"oneOf": [ref("Customer"), {"type": "null"}]},
            "contact": obj({"contact_id": _S, "names": _NAMES, "email": _SN}),
            "history": {"type": "array", "items": ref("HistoryEntry")},
            "default_reply": _S,
            "after_send_default": {"type": "string", "pattern": "^(close|open)$"},
            "presence": {
                "type": "array",
                "items": obj({"sub": _S, "name": _S, "state": {"type": "string", "enum": ["viewing", "writing"]}, "at": _S}),
            },
            "default_reply_language": {
                "type": ["string", "null"],
                "description": "not the thread's language: its language has no default message",
            },
            "drafts": {
                "type": "array",
                "description": "the caller's own drafts with their text; colleagues' drafts say only who (text null)",
                "items": obj({"kind": _S, "agent": _S, "mine": _B, "updated_at": _S, "text": _SN}),
            },
            "other_threads": {
                "type": "array",
                "items": ref("OtherThread"),
                "description": "the customer's newest other threads (at most 10)",
            },
            "orders": {"type": "array", "items": ref("OrderLine")},
        }
    ),
    "DraftSaved": obj({"kind": _S, "saved": _B, "updated_at": _SN}),
    "SavedReply": obj({"id": _S, "title": _S, "texts": _NAMES, "updated_at": _S}),
    "SavedReplyLibrary": obj({"saved_replies": {"type": "array", "items": ref("SavedReply")}, "variables": {"type": "array", "items": _S}}),
    "FilledSavedReplies": obj(
        {
            "saved_replies": {
                "type": "array",
                "items": obj(
                    {
                        "id": _S,
                        "title": _S,
                        "language": _S,
                        "fallback": {
                            "type": "boolean",
                            "description": "the thread's language has no text: this is the shop's default language's",
                        },
                        "text": _S,
                        "unknown": {"type": "array", "items": _S},
                        "empty": {"type": "array", "items": _S},
                    }
                ),
            }
        }
    ),
    "OtherThread": obj(
        {
            "number": _I,
            "status": _S,
            "spam": _B,
            "preview": _S,
            "order_ref": _SN,
            "contact_names": _NAMES,
            "created_at": _S,
            "last_message_at": _S,
        }
    ),
    "OrderLine": obj({"reference": _S, "total": _S, "currency": _S, "validated": _B, "placed_at": _SN, "status": _SN}),
    "CustomerStory": obj(
        {
            "email": _S,
            "customer": {"oneOf": [ref("Customer"), {"type": "null"}]},
            "orders": {"type": "array", "items": ref("OrderLine")},
            "threads": {"type": "array", "items": ref("ThreadSummary")},
            "next_cursor": _SN,
        }
    ),
    "ThreadOnly": obj({"thread": ref("ThreadDetail")}),
    "Neighbour": obj({"number": _IN}),
    "ThreadAndMessage": obj({"thread": ref("ThreadDetail"), "message": ref("Message")}),
    "ThreadAndEntry": obj({"thread": ref("ThreadDetail"), "message": {"oneOf": [ref("Message"), {"type": "null"}]}}),
    # 409 reply_outdated also carries `thread` and `new_messages` (what was written since last_seen).
    "ReplyNotSent": {"allOf": [ref("Error"), ref("ThreadAndMessage")], "description": "the reply is stored as not sent; retry it"},
    "BulkResult": obj({"done": {"type": "array", "items": _I}, "failed": {"type": "array", "items": obj({"number": _I, "code": _S})}}),
    "DownloadLink": obj({"url": _S, "filename": _S, "expires_in": _I}),
    "UploadForm": obj({"url": _S, "fields": {"type": "object"}, "upload_key": _S, "filename": _S, "max_size": _I}),
    "AgentList": obj(
        {"agents": {"type": "array", "items": obj({"email": _S, "sub": _S, "name": _S, "groups": {"type": "array", "items": _S}})}}
    ),
    "Settings": obj(
        {
            "allow_uploads": _B,
            "default_messages": _NAMES,
            "notify_contact": _B,
            "confirm_visitor": _B,
            "assign_on_first_reply": _B,
            "notify_assignee": _B,
            "after_send_default": {"type": "string", "pattern": "^(close|open)$"},
            "imap": obj({**_IMAP_FIELDS, "password_set": _B}),
            # The storefront's abuse limits in force (the shop's own, else the defaults) and the defaults.
            "abuse_limits": obj({name: _I for name in ABUSE_LIMIT_NAMES}),
            "abuse_limit_defaults": obj({name: _I for name in ABUSE_LIMIT_NAMES}),
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
    "SyncStatus": obj(
        {
            "state": {"type": "string", "enum": ["never", "ok", "failed", "running", "paused"]},
            "last_run_at": {"type": ["string", "null"], "description": "the last run that did something (or failed): its figures follow"},
            "checked_at": {"type": ["string", "null"], "description": "the last run of all, even one that found nothing new"},
            "finished_at": _SN,
            **_SYNC_COUNTS,
            "errors": {"type": "array", "items": obj({"at": _S, "code": _S, "message": _S})},
            "mailboxes": {"type": "array", "description": "each mailbox's own last run", "items": ref("MailboxSync")},
        }
    ),
    "MailboxSync": obj(
        {
            "id": _S,
            "name": _S,
            "state": {"type": "string", "enum": ["never", "ok", "failed", "running", "paused"]},
            "last_run_at": _SN,
            "checked_at": _SN,
            "finished_at": _SN,
            **_SYNC_COUNTS,
            "errors": {"type": "array", "items": obj({"at": _S, "code": _S, "message": _S})},
        }
    ),
    "MailLogEntry": _MAIL_LOG_ENTRY,
    "MailLogPage": obj({"entries": {"type": "array", "items": ref("MailLogEntry")}, "next_cursor": _SN}),
    "Mailbox": obj(
        {
            "id": _S,
            "name": _S,
            **_IMAP_FIELDS,
            "contact_id": {**_SN, "description": "the contact its new threads go to (null: by recipient address)"},
            "paused": _B,
            "private_network": {**_B, "description": "an admin allowed a private or loopback address for its server (link-local never)"},
            "private_network_set_by": {**_SN, "description": "the admin who last set or cleared private_network"},
            "private_network_set_at": _SN,
            "password_set": _B,
            "auth": {"type": "string", "enum": ["password", "oauth2"]},
            "provider": {"type": ["string", "null"], "enum": ["google", "microsoft", None]},
            "needs_reconnect": {**_B, "description": "an OAuth2 grant was refused: an admin must reconnect (the admins were mailed once)"},
            "send_replies": {**_B, "description": "OAuth2: replies on its contact's threads go from this account by SMTP, not SES"},
            "sync": obj(
                {
                    "state": {"type": "string", "enum": ["never", "ok", "failed", "running", "paused"]},
                    "last_run_at": _SN,
                    "finished_at": _SN,
                    **_SYNC_COUNTS,
                    "errors": {"type": "array", "items": obj({"at": _S, "code": _S, "message": _S})},
                }
            ),
        }
    ),
    "MailboxList": obj({"mailboxes": {"type": "array", "items": ref("Mailbox")}}),
}

STRING = _S
