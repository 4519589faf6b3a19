"""The mailbox connection's security against Dovecot with a self-signed certificate."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from shopdesk.core.config import config
from shopdesk.mail.imap import MailboxSettings, check_connection

from tests.integration import mail_servers

FOLDER = "INBOX"


@pytest.fixture(autouse=True)
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dovecot listens on 127.0.0.1: allowed here as in every local run, never in a deployment."""
    monkeypatch.setenv("IMAP_ALLOW_LOOPBACK", "true")
    config.cache_clear()
    yield
    config.cache_clear()


@pytest.fixture(scope="module")
def dovecot() -> Iterator[mail_servers.ImapServer]:
    with mail_servers.dovecot() as server:
        yield server


def settings(server: mail_servers.ImapServer, security: str, verify: bool) -> MailboxSettings:
    port = server.tls_port if security == "tls" else server.port
    assert port is not None
    return MailboxSettings(
        host=server.host, port=port, user=server.user, password=server.password, security=security,
        verify_certificate=verify, folder=FOLDER, connect_timeout=5, read_timeout=10,
    )


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_a_self_signed_certificate_is_refused_unless_validation_is_switched_off(dovecot: mail_servers.ImapServer, security: str) -> None:
    refused = check_connection(settings(dovecot, security, verify=True))
    accepted = check_connection(settings(dovecot, security, verify=False))

    assert refused["ok"] is False and refused["code"] == "imap_certificate_failed"
    assert "certificate" in refused["message"]
    assert accepted == {"ok": True}


def test_plain_imap_on_a_tls_port_is_a_clear_error_not_a_hang(dovecot: mail_servers.ImapServer) -> None:
    answer = check_connection(settings(dovecot, "tls", verify=False).__class__(
        host=dovecot.host, port=dovecot.port, user=dovecot.user, password=dovecot.password, security="tls",
        verify_certificate=False, folder=FOLDER, connect_timeout=3, read_timeout=3,
    ))
    assert answer["ok"] is False and answer["code"].startswith("imap_")
