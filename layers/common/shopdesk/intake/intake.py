"""The storefront's contact form (SPEC §3): one post becomes a stored thread message or a mail.

`post_message` is the whole path of `POST /v1/messages` (and of the signed post in
storefront.py): read the body (body.py), run it once per Idempotency-Key (idempotency.py), check
and store it (rules.py, accept.py), and answer with JSON or, for a plain HTML form, a 303 back to
its page (redirects.py).
"""

from __future__ import annotations

from shopdesk.core.errors import ShopdeskError
from shopdesk.core.i18n import pick_language
from shopdesk.intake import accept, idempotency, redirects
from shopdesk.intake.body import parse_body
from shopdesk.intake.requests import Answer, IntakeRequest, SignedIdentity, UploadRequest
from shopdesk.intake.widget import form_configuration, upload_url


def post_message(request: IntakeRequest, identity: SignedIdentity | None = None) -> Answer:
    """POST /v1/messages: 201 with `{status, thread?, message}`, or a 303 for a plain HTML form."""
    form = parse_body(request.content_type, request.body)
    if identity is not None:
        form.fields["email"] = identity.email
    lang = pick_language(form.get("lang") or request.language_hint)
    redirect = redirects.return_address(form, request) if redirects.wants_redirect(form, request) else None
    try:
        result = idempotency.once(request, lambda: accept.accept(form, request, identity))
    except ShopdeskError as error:
        body = error.body(lang)  # in the form's language, which may differ from the request's
        if redirect is None:
            error.lang = lang
            raise  # the resolver answers it, like every other error
        fields = body["error"].get("fields") or [{"field": "form", "code": error.code}]
        params = {"shopdesk_status": "error", "shopdesk_errors": ",".join(f"{e['field']}:{e['code']}" for e in fields)}
        return Answer(303, body, redirects.with_result(redirect, params))
    if redirect is not None:
        params = {"shopdesk_status": result["status"]}
        if "thread" in result:
            params["shopdesk_thread"] = str(result["thread"]["number"])
        return Answer(303, result, redirects.with_result(redirect, params))
    return Answer(201, result)


# What the public API's handler uses, from the modules that define it.
__all__ = ["Answer", "IntakeRequest", "SignedIdentity", "UploadRequest", "form_configuration", "post_message", "upload_url"]
