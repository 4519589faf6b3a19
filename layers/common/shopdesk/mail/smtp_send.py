"""Replies sent from a connected Google / Microsoft account instead of SES ("Send replies from this
account", an OAuth2 mailbox's option).

The same MIME as every other mail (`send.build`), From the account's address, submitted by SMTP
with AUTH XOAUTH2 on the provider's submission server (`oauth2.smtp_server`: port 587, STARTTLS;
the local stack's loopback server in `make run` and the tests). The access token is the mailbox's
own (`oauth2_tokens.access_token`: cached, refreshed with rotation stored first, a refused grant
marks the mailbox "needs reconnecting" and mails the admins once). A token the server refuses
(revoked before it expired) is refreshed once and tried again, as the IMAP login does. The host is
checked and pinned like the IMAP host (`outbound_hosts`). Every failure is `MailNotSent`: the reply
is kept as "not sent" with Retry, exactly like an SES failure.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from email.message import EmailMessage
from typing import Any

from shopdesk.core.errors import UpstreamFailed
from shopdesk.mail import oauth2, oauth2_tokens, outbound_hosts
from shopdesk.mail.send import MailNotSent, OutgoingMail, SentMail, build, destinations
from shopdesk.store.mailboxes import MailboxItem, get_mailbox

TIMEOUT = 20.0
ANY_CONTACT = "*"  # the sending mailbox of every contact no other one names


def tls_context() -> ssl.SSLContext:
    """The system's trust store, with host names checked (tests trust their own certificate)."""
    return ssl.create_default_context()


class _Refused(Exception):
    """The server refused the access token (535): refresh once and try again."""


class _PinnedSMTP(smtplib.SMTP):
    """Connects to the address `outbound_hosts.pinned_address` checked; STARTTLS still names the host."""

    def __init__(self, address: str, host: str, port: int) -> None:
        self._address = address
        super().__init__(timeout=TIMEOUT)
        self._host = host  # STARTTLS's server_hostname (smtplib sets it only when __init__ connects)
        self.connect(host, port)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return socket.create_connection((self._address, port), timeout)


def can_send(item: MailboxItem | None) -> bool:
    """The mailbox sends its threads' replies: connected by OAuth2 with the option on."""
    return item is not None and item.auth == "oauth2" and bool(item.send_replies)


def senders_of(items: list[MailboxItem]) -> dict[str, str]:
    """Which mailbox sends which threads' replies, by the thread's contact: a sending mailbox
    answers the threads of the contact it names (its new threads go there, whether they came by
    its mail or by the contact form); one that names no contact (routing by recipient) answers
    every contact no other sending mailbox names (`*`). Oldest mailbox first when two name one."""
    senders: dict[str, str] = {}
    for item in items:
        if can_send(item):
            senders.setdefault(item.contact_id or ANY_CONTACT, item.mailbox_id)
    return senders


def sender_for(senders: Any, contact_id: str) -> MailboxItem | None:
    """The mailbox a thread's reply goes from, or None (SES). No request at all when no mailbox
    sends (the map rides on the settings the reply reads anyway); one GetItem when one does."""
    known: dict[str, Any] = senders.as_dict() if hasattr(senders, "as_dict") else dict(senders or {})
    mailbox_id = known.get(contact_id) or known.get(ANY_CONTACT)
    if not mailbox_id:
        return None
    item = get_mailbox(mailbox_id)
    return item if can_send(item) else None


def send_from(item: MailboxItem, mail: OutgoingMail) -> SentMail:
    """Sends `mail` from the mailbox's account; raises MailNotSent with the reason."""
    mail.from_address = item.user
    try:
        message, message_id = build(mail)
    except Exception as error:  # NotAHeaderValue, or an account address that is not one
        raise MailNotSent(f"{type(error).__name__}: {error}") from error
    provider = item.provider or "google"
    server = oauth2.smtp_server(provider)
    try:
        address = outbound_hosts.pinned_address(server.host, server.port, bool(item.private_network))
    except outbound_hosts.HostNotAllowed:
        raise MailNotSent(outbound_hosts.HostNotAllowed.code) from None
    except OSError as error:
        raise MailNotSent(f"{type(error).__name__}: {error}") from None
    for fresh in (False, True):
        try:
            token = oauth2_tokens.access_token(item, force_refresh=fresh)
        except UpstreamFailed as error:  # the mailbox needs reconnecting (MailboxError), or the provider failed
            raise MailNotSent(error.code) from None
        try:
            _submit(address, server, item.user, token, message, destinations(mail.to))
            break
        except _Refused:
            oauth2_tokens.forget(item.mailbox_id)
            if fresh:
                raise MailNotSent("smtp_auth_refused") from None
        except Exception as error:  # SMTP refusals, network and TLS errors alike: kept "not sent"
            raise MailNotSent(f"{type(error).__name__}: {error}") from None
    return SentMail(ses_message_id=message_id, message_ids=[message_id], via="smtp", sent_from=item.user)


def _submit(address: str, server: oauth2.SmtpServer, user: str, token: str, message: EmailMessage, to: list[str]) -> None:
    with _PinnedSMTP(address, server.host, server.port) as smtp:
        smtp.ehlo()
        if server.starttls:
            smtp.starttls(context=tls_context())  # the certificate is checked against the host's name
            smtp.ehlo()

        def xoauth2(challenge: bytes | None = None) -> str:
            # A refusal comes as a 334 with the error; the client answers with an empty line.
            return oauth2.xoauth2_string(user, token) if challenge is None else ""

        try:
            smtp.auth("XOAUTH2", xoauth2, initial_response_ok=True)
        except smtplib.SMTPAuthenticationError as error:
            raise _Refused() from error
        smtp.send_message(message, from_addr=user, to_addrs=to)
