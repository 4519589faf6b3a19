"""The shop's IMAP mailbox: connecting with the configured security, and the few commands the sync needs.

Every failure becomes a `MailboxError` with a stable code (refused, timeout, certificate, login,
folder, connection lost), which the sync status and the "test connection" route show as is.
"""

from __future__ import annotations

import imaplib
import re
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email import policy
from email.parser import BytesHeaderParser
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError
from imapclient.imapclient import SocketTimeout, seq_to_parenstr_upper
from imapclient.response_parser import parse_fetch_response

from shopdesk.core.aws import client
from shopdesk.core.config import config
from shopdesk.core.errors import FieldError, UpstreamFailed, ValidationFailed
from shopdesk.core.i18n import message, register
from shopdesk.mail import outbound_hosts

register(
    {
        "imap_not_configured": {
            "en": "The mailbox is not configured: set its host and user in the settings.",
            "es": "El buzón no está configurado: indique su servidor y usuario en los ajustes.",
            "pl": "Skrzynka nie jest skonfigurowana: podaj serwer i użytkownika w ustawieniach.",
        },
        "imap_connection_refused": {
            "en": "The mail server refused the connection (check the host, the port and the security).",
            "es": "El servidor de correo rechazó la conexión (compruebe el servidor, el puerto y la seguridad).",
            "pl": "Serwer poczty odrzucił połączenie (sprawdź serwer, port i zabezpieczenia).",
        },
        "imap_timeout": {
            "en": "The mail server did not answer in time.",
            "es": "El servidor de correo no respondió a tiempo.",
            "pl": "Serwer poczty nie odpowiedział na czas.",
        },
        "imap_certificate_failed": {
            "en": "The mail server's certificate could not be verified.",
            "es": "No se pudo verificar el certificado del servidor de correo.",
            "pl": "Nie udało się zweryfikować certyfikatu serwera poczty.",
        },
        "imap_login_failed": {
            "en": "The mail server refused the user name or the password.",
            "es": "El servidor de correo rechazó el usuario o la contraseña.",
            "pl": "Serwer poczty odrzucił nazwę użytkownika lub hasło.",
        },
        "imap_folder_missing": {
            "en": "The folder {folder} does not exist in the mailbox.",
            "es": "La carpeta {folder} no existe en el buzón.",
            "pl": "Folder {folder} nie istnieje w skrzynce.",
        },
        "imap_connection_lost": {
            "en": "The connection to the mail server was lost; the next sync resumes where this one stopped.",
            "es": "Se perdió la conexión con el servidor de correo; la próxima sincronización continuará donde se quedó.",
            "pl": "Połączenie z serwerem poczty zostało przerwane; następna synchronizacja wznowi od tego miejsca.",
        },
        "imap_error": {
            "en": "The mail server answered with an error: {detail}",
            "es": "El servidor de correo respondió con un error: {detail}",
            "pl": "Serwer poczty odpowiedział błędem: {detail}",
        },
    }
)

_MSGID = re.compile(r"<([^<>\s]+)>")
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
SECURITIES = ("tls", "starttls", "none")


class MailboxError(UpstreamFailed):
    code = "imap_error"


@dataclass(frozen=True)
class MailboxSettings:
    host: str
    port: int
    user: str
    password: str
    security: str = "tls"  # tls | starttls | none
    verify_certificate: bool = True
    folder: str = "INBOX"
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    access_token: str = ""  # an OAuth2 mailbox logs in with SASL XOAUTH2 instead of the password
    private_network: bool = False  # an admin allowed a private or loopback address (link-local never)

    @property
    def label(self) -> str:
        return f"{self.host}#{self.user}#{self.folder}"


@dataclass(frozen=True)
class Envelope:
    """What the sync knows of a message before downloading it."""

    size: int
    message_id: str | None = None
    sender: str = ""
    subject: str = ""


def _envelope(size: int, header_bytes: bytes) -> Envelope:
    try:
        headers = BytesHeaderParser(policy=policy.default).parsebytes(header_bytes)
        ids = _MSGID.findall(str(headers.get("Message-ID") or ""))
        message_id = ids[0].lower() if ids else (str(headers.get("Message-ID") or "").strip().strip("<>").lower() or None)
        return Envelope(size, message_id, " ".join(str(headers.get("From") or "").split()), " ".join(str(headers.get("Subject") or "").split()))
    except Exception:  # an unreadable header: the size alone still decides
        return Envelope(size)


def imap_password() -> str:
    """The mailbox password, from Secrets Manager only (never the table, never the logs)."""
    try:
        return client("secretsmanager").get_secret_value(SecretId=config().imap_secret_id)["SecretString"]
    except Exception as error:
        if "ResourceNotFound" in str(error):
            raise MailboxError("imap_not_configured") from None
        raise


def settings_from(imap: Any, password: str | None = None) -> MailboxSettings:
    """The stored settings (models.ImapSettings) with the password from Secrets Manager."""
    if not imap.host or not imap.user:
        raise MailboxError("imap_not_configured")
    return MailboxSettings(
        host=imap.host,
        port=int(imap.port),
        user=imap.user,
        password=password if password is not None else imap_password(),
        security=imap.security if imap.security in SECURITIES else "tls",
        verify_certificate=bool(imap.verify_certificate),
        folder=imap.folder or "INBOX",
    )


def _ssl_context(verify: bool) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _translate(error: BaseException, settings: MailboxSettings) -> MailboxError:
    if isinstance(error, MailboxError):
        return error
    if isinstance(error, outbound_hosts.HostNotAllowed):
        return MailboxError(error.code)
    if isinstance(error, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(error):
        return MailboxError("imap_certificate_failed")
    if isinstance(error, LoginError):
        return MailboxError("imap_login_failed")
    if isinstance(error, ConnectionRefusedError):
        return MailboxError("imap_connection_refused")
    if isinstance(error, (socket.timeout, TimeoutError)):
        return MailboxError("imap_timeout")
    if isinstance(error, (imaplib.IMAP4.abort, OSError, EOFError)):
        return MailboxError("imap_connection_lost")
    if isinstance(error, socket.gaierror):
        return MailboxError("imap_connection_refused")
    return MailboxError("imap_error", detail=str(error)[:200])


class Mailbox:
    """One logged-in connection with the folder selected; the sync's commands, one per batch each."""

    def __init__(self, settings: MailboxSettings) -> None:
        self.settings = settings
        self.client: IMAPClient | None = None
        self.uidvalidity = 0
        self.uidnext: int | None = None

    def connect(self) -> None:
        s = self.settings
        timeout = SocketTimeout(connect=s.connect_timeout, read=s.read_timeout)
        try:
            address = outbound_hosts.pinned_address(s.host, s.port, s.private_network)  # checked once, then the one used
            self.client = outbound_hosts.PinnedIMAPClient(
                s.host, address, port=s.port, ssl=s.security == "tls", ssl_context=_ssl_context(s.verify_certificate), timeout=timeout
            )
            if s.security == "starttls":
                self.client.starttls(_ssl_context(s.verify_certificate))
            if s.access_token:
                self.client.oauth2_login(s.user, s.access_token)
            else:
                self.client.login(s.user, s.password)
        except BaseException as error:
            self.close()
            raise _translate(error, s) from error

    def select(self) -> tuple[int, int | None]:
        """UIDVALIDITY and UIDNEXT of the folder (selected read-write, to flag what was stored)."""
        answer = self._folder_answer(lambda c: c.select_folder(self.settings.folder))
        self.uidvalidity = int(answer.get(b"UIDVALIDITY", 0))
        uidnext = answer.get(b"UIDNEXT")
        self.uidnext = int(uidnext) if uidnext is not None else None
        return self.uidvalidity, self.uidnext

    def status(self) -> tuple[int, int | None]:
        """UIDVALIDITY and UIDNEXT of the folder without selecting it (STATUS): what a run with
        nothing new asks, read from the server's index whatever the folder holds, where SELECT
        also counts and flags the folder's messages."""
        answer = self._folder_answer(lambda c: c.folder_status(self.settings.folder, [b"UIDVALIDITY", b"UIDNEXT"]))
        uidnext = answer.get(b"UIDNEXT")
        return int(answer.get(b"UIDVALIDITY", 0)), int(uidnext) if uidnext is not None else None

    def _folder_answer(self, ask: Any) -> dict[bytes, Any]:
        """SELECT or STATUS of the folder: the server refusing it (NO) means the folder is missing;
        a dropped connection or anything else is the mailbox's own error."""
        try:
            return dict(ask(self._client()))
        except (imaplib.IMAP4.abort, OSError) as error:
            raise _translate(error, self.settings) from error
        except IMAPClientError as error:
            raise MailboxError("imap_folder_missing", folder=self.settings.folder) from error
        except BaseException as error:
            raise _translate(error, self.settings) from error

    def search_since(self, days: int) -> list[int]:
        since: date = (datetime.now(UTC) - timedelta(days=days)).date()
        return self._call(lambda c: sorted(int(u) for u in c.search(["SINCE", since])))

    def sizes(self, uids: list[int] | str) -> dict[int, Envelope]:
        """Size, Message-ID, sender and subject of each message, before anything is downloaded (one FETCH)."""
        if not uids:
            return {}
        items = ["RFC822.SIZE", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID FROM SUBJECT)]"]
        answer = self._call(lambda c: _fetch_range(c, uids, items) if isinstance(uids, str) else c.fetch(uids, items))
        result: dict[int, Envelope] = {}
        for uid, data in answer.items():
            header = next((v for k, v in data.items() if k.startswith(b"BODY[HEADER")), b"") or b""
            result[int(uid)] = _envelope(int(data.get(b"RFC822.SIZE", 0)), header)
        return result

    def fetch_raw(self, uids: list[int]) -> dict[int, bytes]:
        """The raw messages of a batch, with one FETCH; PEEK leaves them unseen until stored."""
        if not uids:
            return {}
        answer = self._call(lambda c: c.fetch(uids, ["BODY.PEEK[]"]))
        return {int(uid): bytes(data.get(b"BODY[]") or b"") for uid, data in answer.items()}

    def mark_done(self, uids: list[int], delete: bool) -> None:
        """After storing: \\Seen, or \\Deleted and expunged when the shop asked to delete."""
        if not uids:
            return
        if delete:
            self._call(lambda c: (c.add_flags(uids, [b"\\Deleted"], silent=True), c.expunge(uids) if c.has_capability("UIDPLUS") else c.expunge()))
        else:
            self._call(lambda c: c.add_flags(uids, [b"\\Seen"], silent=True))

    def _client(self) -> IMAPClient:
        if self.client is None:
            raise MailboxError("imap_connection_lost")
        return self.client

    def _call(self, command: Any) -> Any:
        try:
            return command(self._client())
        except BaseException as error:
            raise _translate(error, self.settings) from error

    def close(self) -> None:
        if self.client is None:
            return
        try:
            self.client.logout()
        except Exception:
            try:
                self.client.shutdown()
            except Exception:
                pass
        self.client = None


def _fetch_range(imap: IMAPClient, uid_range: str, items: list[str]) -> dict[int, Any]:
    """UID FETCH over a range such as `1043:*` (imapclient's fetch keeps only the UIDs it was given)."""
    tag = imap._imap._command("UID", "FETCH", uid_range, seq_to_parenstr_upper(items))
    typ, data = imap._imap._command_complete("FETCH", tag)
    imap._checkok("fetch", typ, data)
    typ, data = imap._imap._untagged_response(typ, data, "FETCH")
    return parse_fetch_response(data, imap.normalise_times, True)


@contextmanager
def open_mailbox(settings: MailboxSettings) -> Iterator[Mailbox]:
    box = Mailbox(settings)
    box.connect()
    try:
        yield box
    finally:
        box.close()


def check_connection(settings: MailboxSettings) -> dict[str, Any]:
    """What the settings page's "test connection" shows: ok, or the error's code and message. A
    host that is not a public address is a field error (422), the same whatever it is."""
    try:
        with open_mailbox(settings) as box:
            box.select()
    except MailboxError as error:
        if error.code == outbound_hosts.HostNotAllowed.code:
            raise ValidationFailed([FieldError("host", error.code)]) from None
        return {"ok": False, "code": error.code, "message": message(error.code, None, **error.params)}
    return {"ok": True}

