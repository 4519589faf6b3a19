"""Where a plain HTML form's post is sent back to (303), with the result in the query.

The address comes from the visitor's request (`return_to`, the Referer), so it is never echoed:
it is parsed and rebuilt from its parts (http or https, a host name, an optional port, a
percent-encoded path, a re-encoded query), and anything that does not survive that, a control
character first of all, is no address. A line break can therefore never reach the Location header.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from shopdesk.intake.body import Form
from shopdesk.intake.requests import IntakeRequest

ANCHOR = "shopdesk-contact"
_PATH_SAFE = "/%-._~!$&'()*+,;=:@"


def wants_redirect(form: Form, request: IntakeRequest) -> bool:
    """A plain HTML form (not JavaScript) gets a 303 back to its page."""
    return not form.is_json and "application/json" not in (request.accept or "").lower()


def rebuilt(address: str | None) -> str | None:
    """The address rebuilt from its parsed parts (no user info, no fragment), or None when it is
    not a plain http(s) address."""
    text = (address or "").strip()
    if not text or len(text) > 2048 or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        return None
    try:
        parts = urlsplit(text)
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    query = urlencode(parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def return_address(form: Form, request: IntakeRequest) -> str | None:
    """Back to the form's page: `return_to` if it is on the posting page's own site, else the Referer."""
    referer = rebuilt(request.referer)
    site = rebuilt(request.origin) or referer
    candidate = rebuilt(form.get("return_to"))
    if candidate and site and urlsplit(candidate).netloc == urlsplit(site).netloc:
        return candidate
    return referer


def with_result(address: str, params: dict[str, str]) -> str:
    """The (rebuilt) address with the post's result as `shopdesk_*` parameters (earlier ones replaced)."""
    parts = urlsplit(address)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("shopdesk_")]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept + list(params.items())), ANCHOR))
