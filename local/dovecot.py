"""Dovecot on loopback, for `make run` and the tests: a real IMAP server that also accepts OAuth2.

It runs from a temporary directory with its own config, a passwd-file (the password mailboxes) and
maildirs; it listens in plain text (with STARTTLS) and on an implicit-TLS port with a self-signed
certificate made with `cryptography`. Given an introspection URL (the local OAuth2 server's, see
local/oauth2_server.py), its oauth2 passdb also accepts SASL XOAUTH2 / OAUTHBEARER bearer tokens
that the URL says are active (RFC 7662), for any account: the mailbox is the token's `email`.

As root the mail belongs to the `dovecot` user (never root); as anyone else, Dovecot runs as that
user (a rootless Dovecot, ports above 1024).
"""

from __future__ import annotations

import datetime as dt
import grp
import ipaddress
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from imapclient import IMAPClient

from local.stack import free_port

HOST = "127.0.0.1"
BINARY = "/usr/sbin/dovecot"
USER = "support@shop.example"
PASSWORD = "mailbox-test-password"


@dataclass
class ImapServer:
    name: str
    host: str
    port: int
    user: str
    password: str
    tls_port: int | None = None
    cert_pem: bytes | None = None

    def client(self) -> IMAPClient:
        imap = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        imap.login(self.user, self.password)
        return imap


def installed() -> bool:
    return os.access(BINARY, os.X_OK)


def self_signed_certificate() -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


DOVECOT_CONF = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = {host}
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
first_valid_uid = 1
first_valid_gid = 1
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {mail_group}
mail_uid = {mail_user}
mail_gid = {mail_group}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = {host}
    port = {port}
  }}
  inet_listener imaps {{
    address = {host}
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""

# OAuth2: Dovecot's oauth2 passdb checks a bearer token (XOAUTH2 / OAUTHBEARER) with the
# OAuth2 server's RFC 7662 introspection; the password users keep the passwd-file.
DOVECOT_OAUTH2 = """
auth_mechanisms = plain login xoauth2 oauthbearer
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf.ext
}}
"""

DOVECOT_OAUTH2_EXT = """
introspection_mode = post
introspection_url = {url}
force_introspection = yes
username_attribute = email
active_attribute = active
active_value = true
"""


class Dovecot:
    """One Dovecot: `start()` answers the running server (the first password user's), `stop()` ends it
    and removes its directory. `users`: address -> password of the passwd-file."""

    def __init__(self, users: dict[str, str], port: int = 0, tls_port: int = 0, oauth2_introspection_url: str | None = None) -> None:
        self.users = users
        self.port = port or free_port()
        self.tls_port = tls_port or free_port()
        self.oauth2_introspection_url = oauth2_introspection_url
        self.root = Path(tempfile.mkdtemp(prefix="shopdesk-dovecot-"))
        self.process: subprocess.Popen[bytes] | None = None
        self.cert_pem = b""

    def _config(self) -> str:
        root = self.root
        if os.geteuid() == 0:  # the mail is the dovecot user's, never root's
            login_user, internal_user, mail_user = "dovenull", "dovecot", "dovecot"
        else:  # rootless: everything runs as whoever runs it
            login_user = internal_user = mail_user = pwd.getpwuid(os.geteuid()).pw_name
        mail_group = "dovecot" if os.geteuid() == 0 else grp.getgrgid(os.getegid()).gr_name
        conf = DOVECOT_CONF.format(
            root=root, host=HOST, port=self.port, tls_port=self.tls_port,
            login_user=login_user, internal_user=internal_user, mail_user=mail_user, mail_group=mail_group,
        )
        if self.oauth2_introspection_url:
            conf = conf.replace("auth_mechanisms = plain login\n", "") + DOVECOT_OAUTH2.format(root=root)
            conf = conf.replace("  driver = passwd-file\n", "  driver = passwd-file\n  mechanisms = plain login\n")
            (root / "oauth2.conf.ext").write_text(DOVECOT_OAUTH2_EXT.format(url=self.oauth2_introspection_url))
        return conf

    def launch(self) -> None:
        """Writes the directory and starts the process (it answers on its ports shortly after)."""
        root = self.root
        os.chmod(root, 0o755)
        cert, key = self_signed_certificate()
        self.cert_pem = cert
        (root / "cert.pem").write_bytes(cert)
        (root / "key.pem").write_bytes(key)
        os.chmod(root / "key.pem", 0o600)
        (root / "passwd").write_text("".join(f"{user}:{{PLAIN}}{password}\n" for user, password in self.users.items()))
        mail = root / "mail"
        mail.mkdir()
        if os.geteuid() == 0:
            dovecot_user = pwd.getpwnam("dovecot")
            os.chown(mail, dovecot_user.pw_uid, dovecot_user.pw_gid)
        (root / "dovecot.conf").write_text(self._config())
        self.process = subprocess.Popen([BINARY, "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def wait(self, seconds: float = 20) -> ImapServer:
        """Until both ports answer; a Dovecot that exits (a bad config, a user it cannot run as) is
        reported at once with its log, not after the timeout."""
        deadline = time.monotonic() + seconds
        try:
            for port in (self.port, self.tls_port):
                while not _answers(port):
                    if self.process is None or self.process.poll() is not None:
                        raise RuntimeError("it exited")
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"nothing answered on {HOST}:{port} after {seconds} s")
                    time.sleep(0.05)
        except RuntimeError as why:
            stderr = b""
            if self.process is not None:
                self.process.kill()
                stderr = self.process.stderr.read() if self.process.stderr else b""
            log = (self.root / "dovecot.log").read_text() if (self.root / "dovecot.log").exists() else ""
            self.stop()
            raise RuntimeError(f"dovecot did not start ({why}): " + stderr.decode(errors="replace") + log) from None
        user, password = next(iter(self.users.items()))
        return ImapServer("dovecot", HOST, self.port, user, password, tls_port=self.tls_port, cert_pem=self.cert_pem)

    def start(self, seconds: float = 20) -> ImapServer:
        self.launch()
        return self.wait(seconds)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


@contextmanager
def dovecot(oauth2_introspection_url: str | None = None, user: str = USER, password: str = PASSWORD) -> Iterator[ImapServer]:
    """`oauth2_introspection_url`: also accept XOAUTH2 tokens that this URL says are active."""
    server = Dovecot({user: password}, oauth2_introspection_url=oauth2_introspection_url)
    running = server.start()
    try:
        yield running
    finally:
        server.stop()
