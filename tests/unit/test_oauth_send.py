"""Replies sent from the shop's connected Google / Microsoft account (the mailboxes' optional
sending part): an OAuth2 mailbox with "Send replies from this account" sends the replies of its contact's
threads by SMTP with XOAUTH2 instead of SES, with the same MIME and the same access token logic;
everything else stays on SES. Tested against real parts on loopback: the local OAuth2 server and the
local submission server (local/smtp_submission.py), which checks each token by introspection."""

from __future__ import annotations

import email
import smtplib
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from typing import Any

import pytest
from shopdesk.admin.contacts import all_contacts
from shopdesk.mail import oauth2

from local import mail_outbox, smtp_submission
from local.oauth2_server import LocalOAuthServer
from tests.in_process_aws import count_dynamodb_requests
from tests.unit.agents_api import ADMIN, call, customer_writes
from tests.unit.test_mailbox_oauth import (  # noqa: F401 (fixtures)
    ACCOUNT,
    DONE,
    REDIRECT,
    admins_mailed,
    callback,
    connect,
    oauth_aws,
    provider,
    provider_redirect,
    sent_subjects,
    view,
)

CUSTOMER_MAIL_ID = "<Order-42.Question@customer.example>"
EARLIER_ID = "<first@customer.example>"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Submission:
    """The local submission server: its handler (how many logins it refused) and its port."""

    handler: smtp_submission.Submission
    port: int

    @property
    def refused(self) -> int:
        return self.handler.refused


@pytest.fixture
def submission(provider: LocalOAuthServer) -> Iterator[Submission]:  # noqa: F811
    port = free_port()
    controller = smtp_submission.start("127.0.0.1", port, f"{provider.base_url}/introspect")
    mail_outbox.submitted.clear()
    yield Submission(controller.handler, port)
    controller.stop()
    mail_outbox.submitted.clear()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, provider: LocalOAuthServer, submission: Submission) -> Iterator[dict[str, Any]]:  # noqa: F811
    with oauth_aws(monkeypatch, provider, OAUTH2_SMTP_SERVER=f"127.0.0.1:{submission.port}") as variables:
        all_contacts()
        yield variables


def sending_mailbox(contact_id: str = "customer-service") -> str:
    mailbox_id = connect(contact_id=contact_id)
    status, body = call("PATCH", f"/v1/mailboxes/{mailbox_id}", ADMIN, {"send_replies": True})
    assert status == 200 and body["send_replies"] is True, body
    return mailbox_id


def thread_with_a_mail(email_address: str = "ann@example.com", contact_id: str = "customer-service") -> int:
    stored = customer_writes(
        email=email_address, contact_id=contact_id, source="email",
        mail_message_id=CUSTOMER_MAIL_ID.lower(), mail_message_id_written=CUSTOMER_MAIL_ID, mail_references=[EARLIER_ID],
    )
    return int(stored.thread.number)


def received() -> list[email.message.EmailMessage]:
    return [email.message_from_string(m["raw"], policy=policy.default) for m in mail_outbox.submitted]  # type: ignore[misc]


def reply(number: int, text: str = "It ships today.") -> tuple[int, Any]:
    return call("POST", f"/v1/threads/{number}/replies", body={"text": text})


# --- the option ---------------------------------------------------------------------------------


def test_only_a_connected_mailbox_may_send_replies_from_its_account(aws: Any) -> None:
    status, body = call("POST", "/v1/mailboxes", ADMIN, {"host": "imap.shop.example", "user": "desk@shop.example", "password": "x", "send_replies": True})
    assert (status, body["error"]["fields"][0]["code"]) == (422, "send_replies_oauth_only")
    status, added = call("POST", "/v1/mailboxes", ADMIN, {"host": "imap.shop.example", "user": "desk@shop.example", "password": "x"})
    status, body = call("PATCH", f"/v1/mailboxes/{added['id']}", ADMIN, {"send_replies": True})
    assert (status, body["error"]["fields"][0]["code"]) == (422, "send_replies_oauth_only")
    mailbox_id = connect()
    assert view(mailbox_id)["send_replies"] is False  # off until an admin turns it on


# --- sent from the account ----------------------------------------------------------------------


def test_a_reply_on_a_sending_mailboxs_thread_goes_from_the_account_by_smtp_xoauth2(aws: Any, submission: Submission) -> None:
    sending_mailbox()
    number = thread_with_a_mail()
    ses_before = len(sent_subjects())

    status, body = reply(number)

    assert status == 201, body["message"]["delivery"]
    [mail] = received()
    assert mail_outbox.submitted[0]["account"] == ACCOUNT  # the server accepted its XOAUTH2 login
    assert mail["From"].addresses[0].addr_spec == ACCOUNT
    assert str(mail["To"]) == "ann@example.com"
    assert (str(mail["In-Reply-To"]), str(mail["References"])) == (CUSTOMER_MAIL_ID, f"{EARLIER_ID} {CUSTOMER_MAIL_ID}")
    assert mail["X-Shopdesk"] == "reply" and "It ships today." in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"shop+ct{number}." in str(mail["Reply-To"]) or str(mail["Reply-To"]) == ACCOUNT  # answers land in the account
    assert len(sent_subjects()) == ses_before  # nothing went through SES
    delivery = body["message"]["delivery"]
    assert (delivery["state"], delivery["via"], delivery["sent_from"], delivery["message_id"]) == ("sent", "smtp", ACCOUNT, str(mail["Message-ID"]))
    assert submission.refused == 0


def test_a_token_the_server_refuses_is_refreshed_once_and_the_reply_still_goes(aws: Any, provider: LocalOAuthServer, submission: Submission) -> None:  # noqa: F811
    mailbox_id = sending_mailbox()
    number = thread_with_a_mail()
    grant = provider.state.grant_of(ACCOUNT)
    assert grant is not None
    grant.access_tokens.clear()  # the cached access token is dead before its time

    assert reply(number)[0] == 201

    assert submission.refused == 1 and len(received()) == 1
    assert view(mailbox_id)["needs_reconnect"] is False


def test_a_revoked_grant_leaves_the_reply_not_sent_and_the_mailbox_needs_reconnecting(
    aws: Any, provider: LocalOAuthServer, submission: Submission, admins_mailed: None  # noqa: F811
) -> None:
    mailbox_id = sending_mailbox()
    number = thread_with_a_mail()
    provider.state.revoke_user(ACCOUNT)  # at myaccount.google.com

    status, body = reply(number)

    assert (status, body["error"]["code"]) == (502, "reply_not_sent")
    assert body["message"]["delivery"]["state"] == "not_sent" and body["message"]["delivery"]["error"] == "oauth2_reconnect_needed"
    assert received() == []
    assert view(mailbox_id)["needs_reconnect"] is True
    assert sent_subjects() == [f"Mailbox {ACCOUNT} needs reconnecting"]  # the admins' mail stays on SES

    started = call("POST", "/v1/mailboxes/oauth2", ADMIN, {"provider": "google", "mailbox_id": mailbox_id})[1]  # an admin reconnects
    assert callback(provider_redirect(started["authorize_url"]))[0] == 302
    retried = call("POST", f"/v1/threads/{number}/replies/{body['message']['id']}/retry")
    assert retried[0] == 200 and retried[1]["message"]["delivery"]["via"] == "smtp"
    assert len(received()) == 1


def test_a_password_mailboxs_thread_and_notifications_still_go_by_ses(aws: Any, submission: Submission) -> None:
    sending_mailbox(contact_id="customer-service")
    call("POST", "/v1/mailboxes", ADMIN, {"host": "imap.shop.example", "user": "web@shop.example", "password": "x", "contact_id": "webmaster"})
    number = thread_with_a_mail("bob@example.com", contact_id="webmaster")

    status, body = reply(number)

    assert status == 201
    assert received() == []
    assert body["message"]["delivery"]["via"] == "ses" and body["message"]["delivery"]["sent_from"] is None
    assert len(sent_subjects()) == 1


def test_turning_the_option_off_or_removing_the_mailbox_sends_by_ses_again(aws: Any, submission: Submission) -> None:
    mailbox_id = sending_mailbox()
    call("PATCH", f"/v1/mailboxes/{mailbox_id}", ADMIN, {"send_replies": False})
    assert reply(thread_with_a_mail("a@example.com"))[1]["message"]["delivery"]["via"] == "ses"
    call("PATCH", f"/v1/mailboxes/{mailbox_id}", ADMIN, {"send_replies": True})
    assert reply(thread_with_a_mail("b@example.com"))[1]["message"]["delivery"]["via"] == "smtp"
    assert call("DELETE", f"/v1/mailboxes/{mailbox_id}", ADMIN)[0] == 204
    assert reply(thread_with_a_mail("c@example.com"))[1]["message"]["delivery"]["via"] == "ses"
    assert len(received()) == 1


def test_a_sending_mailbox_without_a_contact_answers_every_contact_without_its_own(aws: Any, submission: Submission) -> None:
    sending_mailbox(contact_id="")
    status, body = reply(thread_with_a_mail("d@example.com", contact_id="webmaster"))
    assert status == 201 and body["message"]["delivery"]["via"] == "smtp"


# --- what it costs -------------------------------------------------------------------------------


def test_a_reply_costs_one_getitem_more_when_sent_from_the_account_and_nothing_more_when_not(
    aws: Any, monkeypatch: pytest.MonkeyPatch, submission: Submission
) -> None:
    sending_mailbox(contact_id="webmaster")  # a sender for another contact: this thread's reply goes by SES
    for contact_id in ("customer-service", "webmaster"):
        customer_writes(email="older@example.com", contact_id=contact_id)  # neither reply closes its box's link
    ses_thread = thread_with_a_mail("e@example.com")
    smtp_thread = thread_with_a_mail("f@example.com", contact_id="webmaster")
    requests = count_dynamodb_requests(monkeypatch)

    assert reply(ses_thread)[0] == 201
    assert requests == ["Query", "BatchGetItem", "TransactWriteItems", "TransactWriteItems"]  # the reply's pinned four
    requests.clear()
    assert reply(smtp_thread)[0] == 201
    assert requests == ["Query", "BatchGetItem", "TransactWriteItems", "GetItem", "TransactWriteItems"]  # + the mailbox


# --- the local submission server itself ---------------------------------------------------------


def test_the_local_submission_server_refuses_unknown_tokens_with_535_and_mail_without_a_login(aws: Any, submission: Submission) -> None:
    with smtplib.SMTP("127.0.0.1", submission.port, timeout=5) as smtp:
        smtp.ehlo()
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            smtp.auth("XOAUTH2", lambda challenge=None: oauth2.xoauth2_string(ACCOUNT, "at-forged") if challenge is None else "", initial_response_ok=True)
        assert refused.value.smtp_code == 535
        with pytest.raises(smtplib.SMTPSenderRefused) as no_login:
            smtp.sendmail(ACCOUNT, ["x@example.com"], b"Subject: hi\r\n\r\nhi")
        assert no_login.value.smtp_code == 530
    assert mail_outbox.submitted == []


def test_the_submission_host_is_checked_like_the_imap_host(aws: Any, monkeypatch: pytest.MonkeyPatch, submission: Submission) -> None:
    sending_mailbox()
    monkeypatch.setenv("OAUTH2_SMTP_SERVER", "169.254.169.254:587")  # the cloud's metadata service
    from shopdesk.core.config import config

    config.cache_clear()
    status, body = reply(thread_with_a_mail())

    assert (status, body["message"]["delivery"]["error"]) == (502, "imap_host_not_allowed")
    assert received() == []


def test_the_providers_submission_servers_are_named_with_their_other_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    from shopdesk.core.config import config

    monkeypatch.delenv("OAUTH2_SMTP_SERVER", raising=False)
    config.cache_clear()
    try:
        assert oauth2.smtp_server("google") == oauth2.SmtpServer("smtp.gmail.com", 587, starttls=True)
        assert oauth2.smtp_server("microsoft") == oauth2.SmtpServer("smtp.office365.com", 587, starttls=True)
        assert "SMTP.Send" in oauth2.SCOPES["microsoft"]
    finally:
        config.cache_clear()


@pytest.fixture
def starttls_submission(provider: LocalOAuthServer, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Submission]:  # noqa: F811
    """The local submission server as the providers run port 587: STARTTLS required, a certificate
    for `localhost`, which the desk trusts here (and only here)."""
    import ssl

    from shopdesk.mail import smtp_send

    from local.dovecot import self_signed_certificate

    cert, key = self_signed_certificate()
    (tmp_path / "cert.pem").write_bytes(cert)
    (tmp_path / "key.pem").write_bytes(key)
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    port = free_port()
    controller = smtp_submission.start("127.0.0.1", port, f"{provider.base_url}/introspect", tls_context=server_tls)
    monkeypatch.setattr(smtp_send, "tls_context", lambda: ssl.create_default_context(cafile=str(tmp_path / "cert.pem")))
    monkeypatch.setitem(oauth2.SMTP_HOSTS, "google", ("localhost", port))  # as smtp.gmail.com:587 is named
    yield Submission(controller.handler, port)
    controller.stop()


def test_a_providers_server_gets_starttls_before_the_token_and_an_untrusted_certificate_sends_nothing(
    aws: Any, monkeypatch: pytest.MonkeyPatch, starttls_submission: Submission
) -> None:
    from shopdesk.core.config import config
    from shopdesk.mail import smtp_send

    monkeypatch.delenv("OAUTH2_SMTP_SERVER")
    config.cache_clear()
    sending_mailbox()

    status, body = reply(thread_with_a_mail("tls@example.com"))

    assert (status, body["message"]["delivery"]["via"]) == (201, "smtp")
    assert [m["account"] for m in mail_outbox.submitted] == [ACCOUNT]

    monkeypatch.setattr(smtp_send, "tls_context", lambda: __import__("ssl").create_default_context())  # not trusted
    status, body = reply(thread_with_a_mail("untrusted@example.com"))
    assert (status, body["message"]["delivery"]["state"]) == (502, "not_sent")
    assert "CERTIFICATE_VERIFY_FAILED" in body["message"]["delivery"]["error"]
    assert len(mail_outbox.submitted) == 1  # the token never went to a server the desk could not verify


def test_a_microsoft_account_sends_too_and_its_rotated_refresh_token_is_stored_before_use(
    aws: Any, provider: LocalOAuthServer, submission: Submission  # noqa: F811
) -> None:
    from tests.unit.test_mailbox_oauth import expire_access_token, grant_in_secret

    mailbox_id = connect("microsoft", contact_id="customer-service")
    assert call("PATCH", f"/v1/mailboxes/{mailbox_id}", ADMIN, {"send_replies": True})[0] == 200
    expire_access_token(mailbox_id)
    before = grant_in_secret(mailbox_id)["refresh_token"]

    status, body = reply(thread_with_a_mail("ms@example.com"))

    assert (status, body["message"]["delivery"]["sent_from"]) == (201, ACCOUNT)
    grant = provider.state.grant_of(ACCOUNT)
    assert grant is not None and grant.refreshes == 1
    assert grant_in_secret(mailbox_id)["refresh_token"] == grant.refresh_token != before  # the rotated one, stored
    assert [m["account"] for m in mail_outbox.submitted] == [ACCOUNT]
