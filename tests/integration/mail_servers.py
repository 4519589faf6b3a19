"""Real IMAP servers for the mail-sync tests and the benchmark: Dovecot and pymap on free loopback ports.

Dovecot runs from a temporary directory with its own config, a passwd-file and a maildir owned by
the `dovecot` user (never root); it listens in plain text (with STARTTLS) and on an implicit-TLS port
with a self-signed certificate made with `cryptography`. pymap runs like `make run` starts it.
"""

from __future__ import annotations

import datetime as dt
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from imapclient import IMAPClient

from local.stack import free_port, wait_for_port

HOST = "127.0.0.1"
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
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(__import__("ipaddress").ip_address(HOST))]), critical=False)
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
default_login_user = dovenull
default_internal_user = dovecot
mail_uid = dovecot
mail_gid = dovecot
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={root}/mail/%u
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
# local OAuth2 server's RFC 7662 introspection; the password users keep the passwd-file.
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


@contextmanager
def dovecot(oauth2_introspection_url: str | None = None) -> Iterator[ImapServer]:
    """`oauth2_introspection_url`: also accept XOAUTH2 tokens that this URL says are active."""
    root = Path(tempfile.mkdtemp(prefix="shopdesk-dovecot-"))
    os.chmod(root, 0o755)
    port, tls_port = free_port(), free_port()
    cert, key = self_signed_certificate()
    (root / "cert.pem").write_bytes(cert)
    (root / "key.pem").write_bytes(key)
    os.chmod(root / "key.pem", 0o600)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    mail = root / "mail"
    mail.mkdir()
    dovecot_user = pwd.getpwnam("dovecot")
    os.chown(mail, dovecot_user.pw_uid, dovecot_user.pw_gid)
    conf = DOVECOT_CONF.format(root=root, host=HOST, port=port, tls_port=tls_port)
    if oauth2_introspection_url:
        conf = conf.replace("auth_mechanisms = plain login\n", "") + DOVECOT_OAUTH2.format(root=root)
        conf = conf.replace("  driver = passwd-file\n", "  driver = passwd-file\n  mechanisms = plain login\n")
        (root / "oauth2.conf.ext").write_text(DOVECOT_OAUTH2_EXT.format(url=oauth2_introspection_url))
    (root / "dovecot.conf").write_text(conf)
    process = subprocess.Popen(
        ["/usr/sbin/dovecot", "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        try:
            wait_for_port(port, seconds=20)
            wait_for_port(tls_port, seconds=20)
        except RuntimeError:
            process.kill()
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            raise RuntimeError("dovecot did not start: " + (process.stderr.read().decode() if process.stderr else "") + log) from None
        yield ImapServer("dovecot", HOST, port, USER, PASSWORD, tls_port=tls_port, cert_pem=cert)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def pymap() -> Iterator[ImapServer]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable, "-c", "import sys; from pymap.main import main; sys.exit(main())",
            "--host", HOST, "--port", str(port), "dict", "--demo-user", USER, "--demo-password", PASSWORD,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, seconds=20)
        yield ImapServer("pymap", HOST, port, USER, PASSWORD)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def reset_folder(server: ImapServer, folder: str) -> None:
    """A new, empty folder (deleting it first gives it a new UIDVALIDITY)."""
    with server.client() as imap:
        if imap.folder_exists(folder):
            imap.delete_folder(folder)
        imap.create_folder(folder)


def append(server: ImapServer, folder: str, raws: list[bytes], when: dt.datetime | None = None) -> None:
    with server.client() as imap:
        for raw in raws:
            imap.append(folder, raw, msg_time=when or dt.datetime.now(dt.UTC))
