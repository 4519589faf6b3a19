"""`make run`'s submission server, playing smtp.gmail.com / smtp.office365.com for mailboxes
whose replies are "sent from this account" (`OAUTH2_SMTP_SERVER` points the desk here).

It accepts AUTH XOAUTH2 only (no PLAIN, no LOGIN), and only for an access token the local OAuth2
server's introspection (RFC 7662, as Dovecot asks it) says is active and belongs to the `user=`
the client named; any other token is refused with 535, as Google does. Mail needs that login, and
its From must be the account's own address (Gmail would rewrite it; refusing is the stricter
stand-in). What it accepts is kept in the local sent-mail outbox (`local/mail_outbox.py`), so the
sent-mail page shows it next to SES's.

Plain SMTP on loopback in `make run` (the desk uses STARTTLS for the providers' own servers); the
tests also start it with a certificate and STARTTLS required, to check the desk's STARTTLS path.
"""

from __future__ import annotations

import asyncio
import base64
import json
import ssl
import urllib.parse
import urllib.request
from email import policy
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, AuthResult

from local import mail_outbox


def introspect(introspection_url: str, token: str) -> dict[str, Any]:
    request = urllib.request.Request(introspection_url, data=urllib.parse.urlencode({"token": token}).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 (the local OAuth2 server on loopback)
        return json.loads(answer.read() or b"{}")


def parse_xoauth2(decoded: str) -> tuple[str, str] | None:
    """`user=<account>\\x01auth=Bearer <token>\\x01\\x01` → (account, token)."""
    fields = dict(part.split("=", 1) for part in decoded.split("\x01") if "=" in part)
    user, auth = fields.get("user", ""), fields.get("auth", "")
    if not user or not auth.startswith("Bearer "):
        return None
    return user, auth[len("Bearer "):]


class Submission:
    """aiosmtpd's handler: AUTH XOAUTH2 by introspection, then the mail into the outbox."""

    def __init__(self, introspection_url: str) -> None:
        self.introspection_url = introspection_url
        self.refused = 0  # tests read how many logins were refused

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:  # noqa: N802 (aiosmtpd's naming)
        if len(args) > 1:  # ["XOAUTH2", initial response]
            initial = args[1]
        else:
            answer = await server.challenge_auth("")
            if answer is MISSING:
                return AuthResult(success=False, handled=True)
            initial = answer.decode() if isinstance(answer, bytes) else str(answer)
        try:
            decoded = base64.b64decode(initial, validate=True).decode()
        except ValueError:
            decoded = ""
        parsed = parse_xoauth2(decoded)
        account = ""
        if parsed is not None:
            found = await asyncio.to_thread(introspect, self.introspection_url, parsed[1])
            if found.get("active") and str(found.get("email", "")).lower() == parsed[0].lower():
                account = parsed[0]
        if not account:
            self.refused += 1
            return AuthResult(success=False, handled=False, message="535 5.7.8 Username and Password not accepted")
        return AuthResult(success=True, auth_data=account)

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, mail_options: list[str]) -> str:
        if not session.authenticated:
            return "530 5.7.0 Authentication Required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        account = str(session.auth_data or "")
        raw = envelope.original_content or envelope.content
        headers = BytesHeaderParser(policy=policy.default).parsebytes(raw)
        if parseaddr(str(headers.get("From", "")))[1].lower() != account.lower():
            return "553 5.7.1 The From address is not the authenticated account's"
        mail_outbox.record_submission(raw, account, list(envelope.rcpt_tos or []))
        return "250 2.0.0 OK"


def start(host: str, port: int, introspection_url: str, tls_context: ssl.SSLContext | None = None) -> Controller:
    """Plain SMTP (`make run`), or with `tls_context` STARTTLS required before anything else, as the
    providers' port 587 does (the tests of the desk's STARTTLS path)."""
    tls: dict[str, Any] = {"tls_context": tls_context, "require_starttls": True} if tls_context else {"auth_require_tls": False}
    controller = Controller(
        Submission(introspection_url), hostname=host, port=port,
        auth_exclude_mechanism=["LOGIN", "PLAIN"], **tls,  # MAIL without the login: 530 (handle_MAIL)
    )
    controller.start()
    return controller
