"""What each route of the public (storefront) API takes and answers, for the generated OpenAPI
document (`make openapi` → docs/openapi/public.json). Keys are "METHOD /path"; an entry whose
route the app does not have is left out of the document. Nothing here is used at run time.
"""

from __future__ import annotations

from typing import Any

_LANG = {"type": "string", "enum": ["en", "es", "pl"]}
_SIGNED = "HMAC-SHA256 signed: X-Shopdesk-Timestamp and X-Shopdesk-Signature headers (docs/storefront.md)."

ROUTE_DOCS: dict[str, dict[str, Any]] = {
    "GET /v1/contacts": {"summary": "The contacts a visitor may write to", "query": {"lang": _LANG}, "responses": {"200": "PublicContacts"}},
    "GET /v1/form": {"summary": "The contact form's configuration", "query": {"lang": _LANG}, "responses": {"200": {"type": "object"}}},
    "POST /v1/uploads": {
        "summary": "A presigned POST for one attachment (when uploads are allowed)",
        "body": {"type": "object", "required": ["filename"], "properties": {"filename": {"type": "string"}}},
        "responses": {"201": "UploadForm", "422": "Error"},
    },
    "POST /v1/messages": {
        "summary": "Post a message (JSON, urlencoded or multipart)",
        "body": {"type": "object", "required": ["contact_id", "email", "message"]},
        "responses": {"201": {"type": "object"}, "303": None, "422": "Error"},
    },
    "PUT /v1/storefront/customers/{customer_id}": {"summary": "Upsert a customer. " + _SIGNED, "responses": {"200": {"type": "object"}, "401": "Error", "422": "Error"}},
    "PUT /v1/storefront/orders/{reference}": {"summary": "Upsert an order and its status history. " + _SIGNED, "responses": {"200": {"type": "object"}, "401": "Error", "422": "Error"}},
    "POST /v1/storefront/messages": {"summary": "A form post on behalf of a logged-in customer. " + _SIGNED, "responses": {"201": {"type": "object"}, "401": "Error", "422": "Error"}},
}
