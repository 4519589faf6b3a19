"""How many presigned upload grants the public form hands out: each is up to 10 MB of storage for
a day (until the bucket's lifecycle rule removes an upload no message claimed), so they are
counted like the form's posts: one window per network (an IPv4 address or an IPv6 /64) and one
per form token, each window a counter item (one UpdateItem), expired by TTL."""

from __future__ import annotations

from typing import Any

from shopdesk.core.errors import FieldError, RateLimited
from shopdesk.core.i18n import register
from shopdesk.intake import antispam
from shopdesk.store import intake_data
from shopdesk.store.settings import AbuseLimits, default_abuse_limits

register(
    {
        "too_many_uploads": {
            "en": "Too many files were sent from here in a short time. Please wait a few minutes and try again.",
            "es": "Se han enviado demasiados archivos desde aquí en poco tiempo. Espere unos minutos y vuelva a intentarlo.",
            "pl": "W krótkim czasie wysłano stąd zbyt wiele plików. Odczekaj kilka minut i spróbuj ponownie.",
        },
    }
)

class TooManyUploads(RateLimited):
    """429, with the form's attachment field named so the widget shows it beside the file input."""

    code = "too_many_uploads"

    def body(self, lang: str | None) -> dict[str, Any]:
        answer = super().body(lang)
        answer["error"]["fields"] = [FieldError("attachment", self.code).to_dict(lang)]
        return answer


def _count(subject: str, limit: int, now: float | None, window_seconds: int) -> None:
    if intake_data.count_in_window(subject, window_seconds, now) > limit:
        raise TooManyUploads()


def check_upload_limits(ip: str | None, form_token: str | None, now: float | None = None, limits: AbuseLimits | None = None) -> None:
    """Counts one upload grant for the visitor's network and, when the form sent its token, for
    that form; refuses past either limit (TooManyUploads, 429). One or two UpdateItems. The limits
    are the shop's (from the settings the route read), else the defaults."""
    limits = limits or default_abuse_limits()
    form = antispam.form_of_token(form_token) if form_token else None
    if ip:
        _count(f"upload:{antispam.network_of(ip)}", limits.upload_limit_per_ip, now, limits.rate_window_seconds)
    if form:
        _count(f"upload:form:{form}", limits.upload_limit_per_form, now, limits.rate_window_seconds)
