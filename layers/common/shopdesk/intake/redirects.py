"""Where a plain HTML form's post is sent back to (303), with the result in the query."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from shopdesk.intake.body import Form
from shopdesk.intake.requests import IntakeRequest


def wants_redirect(form: Form, request: IntakeRequest) -> bool:
    """A plain HTML form (not JavaScript) gets a 303 back to its page."""
    return not form.is_json and "application/json" not in (request.accept or "").lower()


def return_address(form: Form, request: IntakeRequest) -> str | None:
    """Back to the form's page: `return_to` if it is on the posting page's own site, else the Referer."""
    referer = request.referer or ""
    candidate = form.get("return_to").strip()
    site = urlsplit(request.origin or referer)
    target = urlsplit(candidate) if candidate else None
    if target and target.scheme in ("http", "https") and site.netloc and target.netloc == site.netloc:
        return candidate
    return referer if urlsplit(referer).scheme in ("http", "https") else None


def with_result(address: str, params: dict[str, str]) -> str:
    """The address with the post's result as `shopdesk_*` parameters (earlier ones replaced)."""
    base, _, _fragment = address.partition("#")
    kept = [(k, v) for k, v in parse_qsl(urlsplit(base).query, keep_blank_values=True) if not k.startswith("shopdesk_")]
    path = base.split("?", 1)[0]
    query = urlencode(kept + list(params.items()))
    return f"{path}?{query}#shopdesk-contact"
