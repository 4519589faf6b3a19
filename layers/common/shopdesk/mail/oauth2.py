"""OAuth2 for mailboxes: the providers, PKCE, the signed `state`, and the token endpoint.

Pure protocol, no storage: `mail/oauth2_tokens.py` keeps the grant in Secrets Manager and
`admin/mailbox_oauth.py` runs the connection. Every provider endpoint comes from one place: the
providers' own URLs, or `OAUTH2_ENDPOINT_BASE` + `/<provider>/<endpoint>` (the local OAuth2
server of `local/oauth2_server.py`, which the tests and `make run` use).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from shopdesk.core.config import config
from shopdesk.core.errors import UpstreamFailed
from shopdesk.core.i18n import register

register(
    {
        "oauth2_not_configured": {
            "en": "Connecting with {provider} is not set up: the app's client id and secret are missing (docs/deploy.md).",
            "es": "La conexión con {provider} no está configurada: faltan el id y el secreto de cliente de la aplicación (docs/deploy.md).",
            "pl": "Połączenie z {provider} nie jest skonfigurowane: brakuje identyfikatora i sekretu klienta aplikacji (docs/deploy.md).",
        },
        "oauth2_reconnect_needed": {
            "en": "The account's permission was withdrawn or has expired: reconnect the mailbox.",
            "es": "El permiso de la cuenta se retiró o caducó: vuelva a conectar el buzón.",
            "pl": "Uprawnienie konta zostało cofnięte lub wygasło: połącz skrzynkę ponownie.",
        },
        "oauth2_provider_failed": {
            "en": "The sign-in provider did not answer as expected; the next sync tries again.",
            "es": "El proveedor de inicio de sesión no respondió como se esperaba; la próxima sincronización lo intentará de nuevo.",
            "pl": "Dostawca logowania nie odpowiedział zgodnie z oczekiwaniami; następna synchronizacja spróbuje ponownie.",
        },
    }
)

PROVIDERS = ("google", "microsoft")
NAMES = {"google": "Google", "microsoft": "Microsoft"}
SCOPES = {
    "google": "https://mail.google.com/",  # IMAP and SMTP both
    "microsoft": "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access",
}
IMAP_HOSTS = {"google": "imap.gmail.com", "microsoft": "outlook.office365.com"}
# Submission servers for "send replies from this account": port 587 with STARTTLS and AUTH XOAUTH2.
SMTP_HOSTS = {"google": ("smtp.gmail.com", 587), "microsoft": ("smtp.office365.com", 587)}
STATE_SECONDS = 600
TIMEOUT = 10.0


class OAuthError(UpstreamFailed):
    """The provider refused (`invalid_grant`: the grant is gone) or failed."""

    code = "oauth2_provider_failed"

    def __init__(self, error: str, code: str = "oauth2_provider_failed", **params: Any) -> None:
        super().__init__(code, **params)
        self.code = code
        self.error = error

    @property
    def grant_gone(self) -> bool:
        return self.error == "invalid_grant"


@dataclass(frozen=True)
class Endpoints:
    authorize: str
    token: str
    revoke: str | None  # RFC 7009 token revocation; None: the provider has none (Microsoft)


def endpoints(provider: str) -> Endpoints:
    """Microsoft's identity platform has no endpoint that revokes one refresh token (only the user's
    or an admin's "revoke sessions" in Entra / the account's app permissions): removing a Microsoft
    mailbox deletes its grant from Secrets Manager, and docs/deploy.md tells the admin where to remove
    the app. The local server plays Microsoft faithfully there too."""
    base = config().oauth2_endpoint_base
    if base:
        return Endpoints(f"{base}/{provider}/authorize", f"{base}/{provider}/token", f"{base}/{provider}/revoke" if provider == "google" else None)
    if provider == "google":
        return Endpoints("https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token", "https://oauth2.googleapis.com/revoke")
    tenant = urllib.parse.quote(config().oauth2_microsoft_tenant, safe="")
    root = f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0"
    return Endpoints(f"{root}/authorize", f"{root}/token", None)


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    starttls: bool  # False only for the local stack's loopback submission server


def smtp_server(provider: str) -> SmtpServer:
    """Where a reply sent from a connected account goes: the provider's submission server, or the
    configured one (`OAUTH2_SMTP_SERVER`: `make run`'s local server on loopback, plain SMTP)."""
    configured = config().oauth2_smtp_server
    if configured:
        host, _, port = configured.rpartition(":")
        return SmtpServer(host, int(port), starttls=False)
    host, port = SMTP_HOSTS[provider]
    return SmtpServer(host, port, starttls=True)


CALLBACK_PATH = "/v1/mailboxes/oauth2/callback"


def redirect_uri(api_domain: str) -> str:
    """The callback's URL, as registered with the provider: configured (the local stack), else the
    agents' API's own domain (the template cannot pass its API's URL to its own function: a cycle;
    the stack's Output MailboxOAuthRedirectUri is the same URL)."""
    return config().oauth2_redirect_uri or f"https://{api_domain}{CALLBACK_PATH}"


def client_id(provider: str) -> str:
    return config().oauth2_google_client_id if provider == "google" else config().oauth2_microsoft_client_id


# --- PKCE (RFC 7636, S256) ----------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pkce_pair() -> tuple[str, str]:
    """A fresh verifier (43 characters of the unreserved alphabet) and its S256 challenge."""
    verifier = _b64url(secrets.token_bytes(32))
    return verifier, pkce_challenge(verifier)


def pkce_challenge(verifier: str) -> str:
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


# --- the signed state ------------------------------------------------------------------------------


def new_nonce() -> str:
    return _b64url(secrets.token_bytes(24))


def sign_state(nonce: str, key: bytes, issued_at: int | None = None) -> str:
    """`<nonce>.<issued at>.<HMAC-SHA256 of both>`: only this stack makes states it will accept."""
    issued = int(time.time()) if issued_at is None else issued_at
    body = f"{nonce}.{issued}"
    return f"{body}.{_b64url(hmac.new(key, body.encode(), hashlib.sha256).digest())}"


def verify_state(state: str, key: bytes, seconds: int = STATE_SECONDS, now: int | None = None) -> str | None:
    """The nonce of a state this stack signed less than `seconds` ago; None for anything else."""
    parts = (state or "").split(".")
    if len(parts) != 3 or not parts[0] or not parts[1].isdigit() or len(state) > 200:
        return None
    body = f"{parts[0]}.{parts[1]}"
    expected = _b64url(hmac.new(key, body.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(expected, parts[2]):
        return None
    age = (int(time.time()) if now is None else now) - int(parts[1])
    return parts[0] if 0 <= age <= seconds else None


def authorize_url(provider: str, state: str, challenge: str, callback_url: str, login_hint: str = "") -> str:
    query = {
        "response_type": "code",
        "client_id": client_id(provider),
        "redirect_uri": callback_url,
        "scope": SCOPES[provider],
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    if provider == "google":
        query |= {"access_type": "offline", "prompt": "consent"}  # a refresh token every time
    if login_hint:
        query["login_hint"] = login_hint
    return f"{endpoints(provider).authorize}?{urllib.parse.urlencode(query)}"


# --- the token endpoint -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    access_token: str
    expires_at: int
    refresh_token: str | None  # None: the provider kept the one it had


def _post(url: str, form: dict[str, str]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(form).encode(), method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310 (https or the local server)
            return json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            body = json.loads(error.read() or b"{}")
        except ValueError:
            body = {}
        raise OAuthError(str(body.get("error") or f"http_{error.code}")) from None
    except (OSError, ValueError) as error:
        raise OAuthError(type(error).__name__) from None


def _grant(answer: dict[str, Any]) -> Grant:
    token = answer.get("access_token")
    if not isinstance(token, str) or not token:
        raise OAuthError("no_access_token")
    expires_in = int(answer.get("expires_in") or 3600)
    refresh = answer.get("refresh_token")
    return Grant(token, int(time.time()) + expires_in, refresh if isinstance(refresh, str) and refresh else None)


def exchange_code(provider: str, code: str, verifier: str, secret: str, callback_url: str) -> Grant:
    form = {
        "grant_type": "authorization_code", "code": code, "redirect_uri": callback_url,
        "client_id": client_id(provider), "client_secret": secret, "code_verifier": verifier,
    }
    return _grant(_post(endpoints(provider).token, form))


def refresh(provider: str, refresh_token: str, secret: str) -> Grant:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id(provider), "client_secret": secret}
    if provider == "microsoft":
        form["scope"] = SCOPES[provider]
    return _grant(_post(endpoints(provider).token, form))


def revoke(provider: str, token: str, secret: str) -> bool:
    """Revokes the grant a refresh token belongs to (RFC 7009; Google revokes the whole grant).
    False when the provider has no revocation endpoint; OAuthError when it refused or failed."""
    url = endpoints(provider).revoke
    if url is None:
        return False
    _post(url, {"token": token, "token_type_hint": "refresh_token", "client_id": client_id(provider), "client_secret": secret})
    return True


def xoauth2_string(user: str, access_token: str) -> str:
    """The SASL XOAUTH2 initial response (imapclient's `oauth2_login` sends exactly this)."""
    return f"user={user}\x01auth=Bearer {access_token}\x01\x01"
