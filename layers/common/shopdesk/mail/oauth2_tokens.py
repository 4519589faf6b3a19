"""An OAuth2 mailbox's grant: its refresh token in the mailbox's own secret, the access
token cached until it expires, rotation stored before use, and "needs reconnecting" at once.

The secret holds `{"refresh_token", "access_token", "expires_at"}`. A refresh writes the whole grant
with one PutSecretValue (atomic) before the new access token is handed to IMAP: a provider that
rotates refresh tokens (Microsoft does, the local server does) can never leave the desk holding only
the old, now dead, one. A refused grant (`invalid_grant`) marks the mailbox at once, mails the
admins once (a conditional write decides who mails), and raises that mailbox's own error, so the
other mailboxes' runs never notice.
"""

from __future__ import annotations

import json
import time
from typing import Any

from shopdesk.core.aws import client
from shopdesk.core.config import config
from shopdesk.core.errors import UpstreamFailed
from shopdesk.core.i18n import message, register
from shopdesk.core.observability import logger
from shopdesk.core.vocabulary import ADMIN_GROUP
from shopdesk.mail import oauth2
from shopdesk.mail.imap import MailboxError
from shopdesk.mail.send import MailNotSent, OutgoingMail, send
from shopdesk.store import mailboxes as store
from shopdesk.store.mailboxes import MailboxItem
from shopdesk.store.team import list_agents

register(
    {
        "oauth2_reconnect_mail_subject": {
            "en": "Mailbox {name} needs reconnecting",
            "es": "El buzón {name} necesita volver a conectarse",
            "pl": "Skrzynkę {name} trzeba połączyć ponownie",
        },
        "oauth2_reconnect_mail_text": {
            "en": "{provider} no longer accepts the desk's permission to read the mailbox {name} (it was withdrawn, "
            "expired or the password changed). Its mail is not imported until an admin reconnects it: "
            "Settings, Mailboxes, Reconnect. The other mailboxes keep syncing.",
            "es": "{provider} ya no acepta el permiso del servicio para leer el buzón {name} (se retiró, caducó o "
            "cambió la contraseña). Su correo no se importa hasta que un administrador lo vuelva a conectar: "
            "Ajustes, Buzones, Volver a conectar. Los demás buzones siguen sincronizándose.",
            "pl": "{provider} nie akceptuje już uprawnienia do odczytu skrzynki {name} (zostało cofnięte, wygasło "
            "lub zmieniono hasło). Poczta nie jest importowana, dopóki administrator nie połączy jej ponownie: "
            "Ustawienia, Skrzynki, Połącz ponownie. Pozostałe skrzynki synchronizują się dalej.",
        },
    }
)

MARGIN_SECONDS = 120  # an access token this close to expiring is refreshed first
PUT_ATTEMPTS = 3
_cache: dict[str, tuple[str, int]] = {}  # mailbox id -> (access token, expires at), per process


def secret_id_for(mailbox_id: str) -> str:
    """An OAuth2 mailbox's grant: under the mailboxes' prefix, `oauth-<id>`, so the sync may write
    these secrets (rotation) and only read the passwords."""
    return f"{config().mailbox_secret_prefix}oauth-{mailbox_id}"


# --- Secrets Manager ---------------------------------------------------------------------------------


def _json_secret(secret_id: str) -> dict[str, Any]:
    try:
        raw = client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
    except Exception as error:
        if "ResourceNotFound" in str(error):
            return {}
        raise
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def client_secret(provider: str) -> str:
    """The app's client secret, from `{"google": ..., "microsoft": ...}` in its secret."""
    secret = str(_json_secret(config().oauth2_client_secret_id).get(provider) or "") if config().oauth2_client_secret_id else ""
    if not secret or not oauth2.client_id(provider):
        raise UpstreamFailed("oauth2_not_configured", provider=oauth2.NAMES.get(provider, provider))
    return secret


def state_key() -> bytes:
    """The HMAC key of the `state` (a generated secret of the stack)."""
    try:
        raw = client("secretsmanager").get_secret_value(SecretId=config().oauth2_state_key_secret_id)["SecretString"]
    except Exception as error:
        if "ResourceNotFound" in str(error) or not config().oauth2_state_key_secret_id:
            raise UpstreamFailed("oauth2_not_configured", provider="OAuth2") from None
        raise
    return raw.encode()


def store_grant(secret_id: str, grant: dict[str, Any]) -> None:
    """The whole grant in one PutSecretValue (CreateSecret the first time)."""
    secrets = client("secretsmanager")
    value = json.dumps(grant)
    for attempt in range(PUT_ATTEMPTS):
        try:
            secrets.put_secret_value(SecretId=secret_id, SecretString=value)
            return
        except Exception as error:
            if "ResourceNotFound" in str(error):
                secrets.create_secret(Name=secret_id, SecretString=value, Description="A Shopdesk mailbox's OAuth2 grant")
                return
            if attempt == PUT_ATTEMPTS - 1:
                raise


def connected(item: MailboxItem, grant: oauth2.Grant) -> None:
    """The callback's grant: stored, then the mailbox is marked connected."""
    if not grant.refresh_token:
        raise oauth2.OAuthError("no_refresh_token")
    store_grant(item.secret_id, {"refresh_token": grant.refresh_token, "access_token": grant.access_token, "expires_at": grant.expires_at})
    _cache[item.mailbox_id] = (grant.access_token, grant.expires_at)
    store.mark_connected(item.mailbox_id)


# --- the access token --------------------------------------------------------------------------------


def forget(mailbox_id: str) -> None:
    _cache.pop(mailbox_id, None)


def access_token(item: MailboxItem, force_refresh: bool = False, rotated_elsewhere: bool = False) -> str:
    """A valid access token: the cached one, else the stored one, else a refresh (rotation stored first).

    A refresh refused as `invalid_grant` reads the secret once more before calling the grant gone:
    a reply and a sync run (separate Lambdas) may refresh at the same moment, and with a provider
    that rotates, the one that lost the race holds a token the other has already replaced and stored.
    """
    if item.needs_reconnect:
        raise MailboxError("oauth2_reconnect_needed")  # the provider is not asked again until an admin reconnects
    now = int(time.time())
    cached = _cache.get(item.mailbox_id)
    if cached and not force_refresh and cached[1] - MARGIN_SECONDS > now:
        return cached[0]
    stored = _json_secret(item.secret_id)
    if not stored.get("refresh_token"):
        raise MailboxError("oauth2_reconnect_needed")
    if not force_refresh and stored.get("access_token") and int(stored.get("expires_at") or 0) - MARGIN_SECONDS > now:
        _cache[item.mailbox_id] = (str(stored["access_token"]), int(stored["expires_at"]))
        return str(stored["access_token"])
    provider = item.provider or "google"
    try:
        grant = oauth2.refresh(provider, str(stored["refresh_token"]), client_secret(provider))
    except oauth2.OAuthError as error:
        forget(item.mailbox_id)
        if error.grant_gone and not rotated_elsewhere and _json_secret(item.secret_id).get("refresh_token") not in (None, stored["refresh_token"]):
            return access_token(item, rotated_elsewhere=True)  # the other run's grant, stored before it was used
        if error.grant_gone:
            needs_reconnecting(item)
            raise MailboxError("oauth2_reconnect_needed") from None
        raise MailboxError("oauth2_provider_failed") from None
    except UpstreamFailed as error:
        raise MailboxError(error.code, **error.params) from None
    # Rotation: the new refresh token is stored before the new access token is used.
    store_grant(item.secret_id, {"refresh_token": grant.refresh_token or stored["refresh_token"], "access_token": grant.access_token, "expires_at": grant.expires_at})
    _cache[item.mailbox_id] = (grant.access_token, grant.expires_at)
    return grant.access_token


def revoke_at_provider(item: MailboxItem) -> str:
    """Removing an OAuth2 mailbox: its refresh token is revoked at the provider, so the grant dies
    with the mailbox. Never raises (the removal goes on when the provider is down or refuses; the
    outcome is logged): "revoked", "unsupported" (Microsoft: no per-token revocation, the deleted
    secret is the end of it), "no_grant" (never connected) or "failed"."""
    forget(item.mailbox_id)
    provider = item.provider or "google"
    try:
        token = str(_json_secret(item.secret_id).get("refresh_token") or "")
        if not token:
            outcome = "no_grant"
        else:
            outcome = "revoked" if oauth2.revoke(provider, token, client_secret(provider)) else "unsupported"
    except Exception as error:  # the provider (or the app's secret) is not there: the removal goes on
        logger.warning("an OAuth2 grant could not be revoked at the provider", extra={"mailbox": item.mailbox_id, "provider": provider, "error": getattr(error, "error", type(error).__name__)})
        return "failed"
    logger.info("an OAuth2 mailbox's grant was withdrawn", extra={"mailbox": item.mailbox_id, "provider": provider, "outcome": outcome})
    return outcome


def needs_reconnecting(item: MailboxItem) -> None:
    """Marks the mailbox; the one run that marks it first mails the admins (a failed mail is logged)."""
    if not store.mark_needs_reconnect(item.mailbox_id):
        return
    logger.warning("an OAuth2 mailbox needs reconnecting", extra={"mailbox": item.mailbox_id})
    try:
        admins = [a["email"] for a in list_agents()["agents"] if ADMIN_GROUP in a["groups"]]
        if not admins:
            return
        lang = config().default_language
        params = {"name": item.name or item.user, "provider": oauth2.NAMES.get(item.provider or "", "The provider")}
        send(OutgoingMail(to=admins, subject=message("oauth2_reconnect_mail_subject", lang, **params),
                          text=message("oauth2_reconnect_mail_text", lang, **params), kind="notification"))
    except (MailNotSent, Exception):  # the mark stands; the page shows it even when no mail went out
        logger.exception("the admins could not be told that a mailbox needs reconnecting")
