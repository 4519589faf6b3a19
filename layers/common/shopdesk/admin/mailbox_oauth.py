"""Connecting a mailbox with Google or Microsoft: the authorization-code flow with PKCE.

`start` (admins) makes the mailbox (or takes the one to reconnect), keeps a one-time pending
connection with the PKCE verifier in the table, and answers the provider's authorize URL with a
signed `state`. `callback` (no caller: the provider sends the browser back) accepts only a state
this stack signed, once and for ten minutes: the signature is checked before anything is read, the
pending connection is consumed by one conditional write, then the code is exchanged and the
refresh token stored in the mailbox's own secret.
"""

from __future__ import annotations

import urllib.parse
import uuid
from typing import Annotated, Any, Literal

from pydantic import Field

from shopdesk.core.config import config
from shopdesk.core.errors import FieldError, Forbidden, Unprocessable, UpstreamFailed, ValidationFailed
from shopdesk.core.i18n import register
from shopdesk.core.observability import logger
from shopdesk.core.requests import RequestModel, coded
from shopdesk.mail import mailboxes, oauth2, oauth2_tokens
from shopdesk.store import mailboxes as mailbox_store
from shopdesk.store import oauth_states
from shopdesk.store.contacts import stored_contacts
from shopdesk.store.oauth_states import PendingConnection

register(
    {
        "oauth2_state_refused": {
            "en": "This sign-in link is not valid (it was used already, has expired or was not made by this desk). Start again from the mailboxes page.",
            "es": "Este enlace de inicio de sesión no es válido (ya se usó, caducó o no lo creó este servicio). Vuelva a empezar desde la página de buzones.",
            "pl": "Ten link logowania jest nieważny (został już użyty, wygasł lub nie pochodzi z tego systemu). Zacznij od nowa na stronie skrzynek.",
        },
        "oauth2_not_oauth_mailbox": {
            "en": "This mailbox logs in with a password; add a new mailbox to connect an account.",
            "es": "Este buzón inicia sesión con contraseña; añada un buzón nuevo para conectar una cuenta.",
            "pl": "Ta skrzynka loguje się hasłem; dodaj nową skrzynkę, aby połączyć konto.",
        },
    }
)

TEXT_LIMIT = 255


class MailboxOAuthStart(RequestModel):
    """Connect a new mailbox (give `user`, the account's address) or reconnect one (`mailbox_id`)."""

    provider: Annotated[Literal["google", "microsoft"], coded("invalid_provider")]
    mailbox_id: str | None = Field(default=None, max_length=40)
    user: str | None = Field(default=None, max_length=TEXT_LIMIT, description="the account's e-mail address")
    name: str | None = Field(default=None, max_length=TEXT_LIMIT)
    host: str | None = Field(default=None, max_length=TEXT_LIMIT, description="default: imap.gmail.com / outlook.office365.com")
    port: Annotated[int, Field(ge=1, le=65535), coded("invalid_port")] | None = None
    security: Annotated[Literal["tls", "starttls", "none"], coded("invalid_security")] | None = None
    folder: str | None = Field(default=None, max_length=TEXT_LIMIT)
    contact_id: str | None = Field(default=None, max_length=100)


def start(data: MailboxOAuthStart, admin: str, api_domain: str) -> dict[str, Any]:
    """The authorize URL to send the admin's browser to (with the mailbox it will connect)."""
    oauth2_tokens.client_secret(data.provider)  # a stack without the app set up says so now, not at the callback
    key = oauth2_tokens.state_key()
    if data.mailbox_id:
        item = mailboxes.mailbox(data.mailbox_id)
        if item.auth != "oauth2":
            raise Unprocessable("oauth2_not_oauth_mailbox")
        if item.provider != data.provider:
            mailbox_store.update_settings(item.mailbox_id, {"provider": data.provider})
    else:
        item = _new_mailbox(data)
    nonce = oauth2.new_nonce()
    verifier, challenge = oauth2.pkce_pair()
    oauth_states.save_state(nonce, PendingConnection(item.mailbox_id, data.provider, verifier), oauth2.STATE_SECONDS, admin)
    url = oauth2.authorize_url(data.provider, oauth2.sign_state(nonce, key), challenge, oauth2.redirect_uri(api_domain), login_hint=item.user)
    return {"authorize_url": url, "mailbox": mailboxes.view(mailboxes.mailbox(item.mailbox_id))}


def _new_mailbox(data: MailboxOAuthStart) -> Any:
    user = (data.user or "").strip()
    if not user or "@" not in user:
        raise ValidationFailed([FieldError("user", "required" if not user else "invalid_email")])
    contact_id = (data.contact_id or "").strip() or None
    if contact_id and contact_id not in {c.contact_id for c in stored_contacts()}:
        raise ValidationFailed([FieldError("contact_id", "unknown_contact")])
    host, port, security = (data.host or "").strip(), 993, "tls"
    if not host and config().oauth2_imap_server:  # the local stack: never the real provider's server
        host, _, local_port = config().oauth2_imap_server.rpartition(":")
        port, security = int(local_port), "none"
    host = host or oauth2.IMAP_HOSTS[data.provider]
    mailboxes.migrate()
    mailbox_id = uuid.uuid4().hex[:12]
    fields = {
        "name": (data.name or "").strip() or user,
        "host": host,
        "port": data.port or port,
        "user": user,
        "security": data.security or security,
        "folder": (data.folder or "").strip() or "INBOX",
        "contact_id": contact_id,
        "auth": "oauth2",
        "provider": data.provider,
        "needs_reconnect": True,  # until the callback brings its grant
    }
    item = mailbox_store.create(mailbox_id, oauth2_tokens.secret_id_for(mailbox_id), fields)
    assert item is not None  # a fresh random id
    return item


def callback(code: str | None, state: str | None, error: str | None, api_domain: str) -> str:
    """Where the browser goes next (the page, with the outcome); a state this stack did not sign,
    or signed but already used or expired, is refused (403) before anything else happens."""
    try:
        key = oauth2_tokens.state_key()
    except UpstreamFailed:  # a stack without OAuth2 set up made no state
        raise Forbidden("oauth2_state_refused") from None
    nonce = oauth2.verify_state(state or "", key)
    pending = oauth_states.consume_state(nonce) if nonce else None
    if pending is None:
        raise Forbidden("oauth2_state_refused")
    if error or not code:
        return _done("denied" if error == "access_denied" else "failed", pending.mailbox_id)
    item = mailboxes.mailbox(pending.mailbox_id)
    try:
        secret = oauth2_tokens.client_secret(pending.provider)
        grant = oauth2.exchange_code(pending.provider, code, pending.code_verifier, secret, oauth2.redirect_uri(api_domain))
        oauth2_tokens.connected(item, grant)
    except oauth2.OAuthError as failure:
        logger.warning("an OAuth2 code exchange failed", extra={"mailbox": item.mailbox_id, "error": failure.error})
        return _done("failed", item.mailbox_id)
    return _done("connected", item.mailbox_id)


def _done(outcome: str, mailbox_id: str) -> str:
    """The agents' page, with the outcome in its query (the mailboxes panel shows it, then drops it)."""
    base = (config().oauth2_done_url or "/").split("#")[0].split("?")[0]
    return f"{base}?{urllib.parse.urlencode({'oauth2': outcome, 'mailbox': mailbox_id})}#/"
