"""Anti-spam for the storefront form (SPEC §3): honeypot, minimum fill time, rate limits, CAPTCHA,
blocked senders.

Every refusal is the same generic `spam_suspected` error a person would get ("could not be sent,
please try again"), so a bot learns nothing about which rule caught it, and nothing is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
import secrets
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from shopdesk.core.aws import secret_value
from shopdesk.core.config import config
from shopdesk.core.errors import FieldError, NotFound, Unprocessable, ValidationFailed
from shopdesk.core.i18n import register
from shopdesk.core.validation import is_valid_email
from shopdesk.intake.requests import BlockedSenderRequest, SpamMarkRequest
from shopdesk.store import blocked_senders, intake_data, threads
from shopdesk.store.models import BlockedSender, Thread
from shopdesk.store.settings import AbuseLimits, default_abuse_limits

register(
    {
        "spam_suspected": {
            "en": "Your message could not be sent. Please try again in a few minutes.",
            "es": "No se ha podido enviar su mensaje. Inténtelo de nuevo dentro de unos minutos.",
            "pl": "Nie udało się wysłać wiadomości. Spróbuj ponownie za kilka minut.",
        },
        "invalid_blocked_sender": {
            "en": "Give an e-mail address (ann@spam.example) or a domain starting with @ (@spam.example).",
            "es": "Indique una dirección de correo (ann@spam.example) o un dominio que empiece por @ (@spam.example).",
            "pl": "Podaj adres e-mail (ann@spam.example) lub domenę zaczynającą się od @ (@spam.example).",
        },
        "blocked_sender_not_found": {
            "en": "This sender is not on the blocked list.",
            "es": "Este remitente no está en la lista de bloqueados.",
            "pl": "Tego nadawcy nie ma na liście zablokowanych.",
        },
    }
)

FORM_TOKEN_MAX_AGE = 2 * 3600  # a form left open over lunch still sends
CAPTCHA_VERIFY_URLS = {
    "turnstile": "https://challenges.cloudflare.com/turnstile/v0/siteverify",
    "hcaptcha": "https://api.hcaptcha.com/siteverify",
}


class SpamSuspected(Unprocessable):
    """The one answer for every anti-spam refusal."""

    code = "spam_suspected"

    def __init__(self, rule: str) -> None:
        super().__init__()
        self.rule = rule  # for logs and tests only, never in the answer

    def body(self, lang: str | None) -> dict[str, Any]:
        answer = super().body(lang)
        answer["error"]["fields"] = [FieldError("form", self.code).to_dict(lang)]
        return answer


# --- the form token: proves the form was shown a little while before it was sent -------------------


def _form_key() -> bytes:
    return secret_value(config().form_token_secret_id).encode()


def _token_signature(issued: int, nonce: str) -> str:
    return hmac.new(_form_key(), f"form:{issued}:{nonce}".encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class FormToken:
    """A checked form token: what it is remembered by once spent, and until when it would be good."""

    signature: str
    expires_at: int


def issue_form_token(now: float | None = None) -> str:
    """`<issued at>.<nonce>.<signature>`, handed out with the form configuration. The nonce makes
    every form's token its own, so spending one never spends another visitor's."""
    issued = int(now if now is not None else time.time())
    nonce = secrets.token_hex(8)
    return f"{issued}.{nonce}.{_token_signature(issued, nonce)}"


def check_form_token(token: object, now: float | None = None) -> FormToken:
    """Refuses a missing, forged or expired token, and one used sooner than a person could type.
    (Whether it was used before is known only when the post is stored: see `accept`.)"""
    moment = now if now is not None else time.time()
    issued_text, nonce, signature = (str(token or "").split(".") + ["", "", ""])[:3]
    if (
        not issued_text.isdigit()
        or len(issued_text) > 12
        or not re.fullmatch(r"[0-9a-f]{16}", nonce)
        or not hmac.compare_digest(signature.encode(), _token_signature(int(issued_text), nonce).encode())
    ):
        raise SpamSuspected("form_token")
    age = moment - int(issued_text)
    if age < config().min_fill_seconds:
        raise SpamSuspected("too_fast")
    if age > FORM_TOKEN_MAX_AGE:
        raise SpamSuspected("form_token_expired")
    return FormToken(signature, int(issued_text) + FORM_TOKEN_MAX_AGE + 60)


def form_of_token(token: str) -> str:
    """The form a token names (its nonce) when we signed it, its age unchecked: an upload may come
    the moment the form appears. A forged token is refused as a bot's."""
    issued_text, nonce, signature = (token.split(".") + ["", "", ""])[:3]
    if not (issued_text.isdigit() and len(issued_text) <= 12 and re.fullmatch(r"[0-9a-f]{16}", nonce)):
        raise SpamSuspected("form_token")
    if not hmac.compare_digest(signature.encode(), _token_signature(int(issued_text), nonce).encode()):
        raise SpamSuspected("form_token")
    return nonce


def check_honeypot(value: Any) -> None:
    """The hidden `website` field: people never see it, form-filling bots fill it."""
    if isinstance(value, str) and value.strip():
        raise SpamSuspected("honeypot")


# --- CAPTCHA (optional) ------------------------------------------------------------------------


def captcha_enabled() -> bool:
    return bool(config().captcha_provider in CAPTCHA_VERIFY_URLS and config().captcha_secret_id)


def check_captcha(response: Any, ip: str | None) -> None:
    """Asks Turnstile or hCaptcha whether the visitor's answer is good; a failure to ask refuses too."""
    if not captcha_enabled():
        return
    if not isinstance(response, str) or not response.strip():
        raise SpamSuspected("captcha_missing")
    url = config().captcha_verify_url or CAPTCHA_VERIFY_URLS[config().captcha_provider]
    form = {"secret": secret_value(config().captcha_secret_id), "response": response.strip()}
    if ip:
        form["remoteip"] = ip
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 - a fixed https URL (or the test's)
            verdict = json.loads(answer.read() or b"{}")
    except (OSError, ValueError):
        raise SpamSuspected("captcha_unreachable") from None
    if verdict.get("success") is not True:
        raise SpamSuspected("captcha_failed")


# --- rate limits: one counter item per subject and window, expired by TTL --------------------------


def count_post(subject: str, limit: int, now: float | None = None, window_seconds: int | None = None) -> int:
    """Adds one post to the subject's current window (the shop's length, else the default);
    refuses past the limit. One UpdateItem."""
    count = intake_data.count_in_window(subject, window_seconds or config().rate_window_seconds, now)
    if count > limit:
        raise SpamSuspected("rate_limit")
    return count


def network_of(ip: str) -> str:
    """Who an IP counts as: an IPv4 address itself; for IPv6 its /64, the block one subscriber
    gets (every address in it is theirs to rotate through)."""
    try:
        address = ipaddress.ip_address(ip.strip().split("%", 1)[0])
    except ValueError:
        return f"ip:{ip.strip()[:64]}"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"ip:{address.ipv4_mapped}"
        return f"ip6:{ipaddress.ip_network(f'{address}/64', strict=False)}"
    return f"ip:{address}"


def check_rate_limits(ip: str | None, email: str, limits: AbuseLimits | None = None) -> None:
    """One window per network (IPv4 address or IPv6 /64) and one per mailbox, at the shop's limits
    (its settings, read with the post's batch; the defaults when none are given)."""
    limits = limits or default_abuse_limits()
    if ip:
        count_post(network_of(ip), limits.rate_limit_per_ip, window_seconds=limits.rate_window_seconds)
    count_post(intake_data.email_rate_subject(email), limits.rate_limit_per_email, window_seconds=limits.rate_window_seconds)


# --- blocked senders ---------------------------------------------------------------------------

blocked_keys = blocked_senders.blocked_keys  # mail sync batches the same two keys per sender


def is_blocked_sender(email: str) -> bool:
    """For callers that have not batched the read (mail sync): one BatchGetItem of address and domain."""
    return blocked_senders.is_blocked(email)


def _blocked_view(item: BlockedSender) -> dict[str, Any]:
    return {"value": item.value, "created_at": item.created_at, "created_by": item.created_by}


def list_blocked() -> dict[str, Any]:
    """One Query on PK=BLOCKED."""
    return {"blocked_senders": [_blocked_view(item) for item in blocked_senders.list_blocked()]}


def normalized_blocked_value(value: str) -> str:
    text = value.strip().lower()
    if text.startswith("@") and is_valid_email("x" + text):
        return text
    if is_valid_email(text):
        return text
    raise ValidationFailed([FieldError("value", "invalid_blocked_sender")])


def add_blocked(request: BlockedSenderRequest, by: str | None) -> dict[str, Any]:
    """Blocks an address or a whole domain (`@spam.example`), for the form and for mail sync."""
    return _blocked_view(blocked_senders.add_blocked(normalized_blocked_value(request.value), by))


def remove_blocked(value: str) -> None:
    if not blocked_senders.remove_blocked(urllib.parse.unquote(value)):
        raise NotFound("blocked_sender_not_found")


# --- an agent marks a thread as spam, and may block its sender ----------------------------------


def mark_thread_spam(number: int, request: SpamMarkRequest, by: str | None) -> Thread:
    """Flags (and on marking closes) the thread; blocks its address if asked.
    Any agent may do both: blocking the sender is the point of the button."""
    thread = threads.set_spam(number, request.spam)
    if request.spam and request.block_sender and is_valid_email(thread.email.strip().lower()):
        add_blocked(BlockedSenderRequest(value=thread.email), by)
    return thread
