"""Replies, retries, forwards, notes, attachments and deletion (SPEC §4, §5, §6 outbound), read
back from what moto's SES really received."""

from __future__ import annotations

import email
import uuid
from email import policy
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from agents_api import AGENT, call, customer_writes
from shopdesk.admin import contacts
from shopdesk.core.config import config
from shopdesk.store import threads
from shopdesk.store.models import ImapSettings, MailId, ShopSettings

REGION = "eu-west-1"
PDF = b"%PDF-1.4\n% a small pdf\n"


def sent_mail() -> list[EmailMessage]:
    from moto.ses.models import ses_backends

    backend = ses_backends["123456789012"][REGION]
    return [email.message_from_bytes(m.raw_data.encode(), policy=policy.default) for m in backend.sent_messages]  # type: ignore[misc]


def body_text(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]


@pytest.fixture
def shop(aws: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("CONTACT_PAGE_URL", "https://shop.example/contact")
    config.cache_clear()
    contacts.all_contacts()
    ShopSettings(*ShopSettings.key(), imap=ImapSettings(host="imap.shop.example", user="desk@shop.example")).save()
    stored = customer_writes(email="ana@example.com", language="es", text="¿Dónde está mi pedido?")
    return {"number": stored.thread.number, "token": stored.thread.token}


def upload(data: bytes, name: str = "invoice.pdf") -> dict[str, str]:
    """What the page does with the presigned POST: the file lands under uploads/."""
    key = f"uploads/{uuid.uuid4().hex}"
    boto3.client("s3", region_name=REGION).put_object(Bucket="shopdesk-attachments", Key=key, Body=data)
    return {"upload_key": key, "filename": name}


def test_a_reply_mails_the_customer_in_her_language_with_the_markers_and_closes_the_thread(shop: dict[str, Any]) -> None:
    number, token = shop["number"], shop["token"]
    status, body = call("POST", f"/v1/threads/{number}/replies", body={"text": "Sale hoy.\nGracias.", "attachments": [upload(PDF)]})
    assert status == 201, body
    assert body["thread"]["status"] == "closed" and body["thread"]["first_response_at"]
    assert body["message"]["delivery"]["state"] == "sent"
    [mail] = sent_mail()
    assert mail["To"] == "ana@example.com"
    assert mail["From"].addresses[0].addr_spec == "support@shop.example"
    assert mail["Reply-To"] == "desk@shop.example"  # the synced mailbox, so the answer is imported
    assert mail["Subject"] == f"[Ann's shop] Respuesta a su mensaje #ct{number} #tc{token}"
    assert mail["X-Shopdesk"] == "reply"
    text = body_text(mail)
    assert "Sale hoy.\nGracias." in text and "formulario de contacto" in text
    link = next(word for word in text.split() if word.startswith("https://shop.example/contact"))
    assert parse_qs(urlsplit(link).query) == {"shopdesk_thread": [str(number)], "shopdesk_token": [token]}
    html_part = mail.get_body(preferencelist=("html",))
    assert html_part is not None and "Sale hoy." in html_part.get_content()
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "invoice.pdf" and attachment.get_content() == PDF
    # Answers quoting either Message-ID (ours or the one SES gives) find the thread.
    ses_id = body["message"]["delivery"]["message_id"]
    for mail_id in (mail["Message-ID"], f"<{ses_id}@{REGION}.amazonses.com>"):
        assert int(MailId.get(*MailId.key(mail_id)).thread_number) == number


def test_when_ses_refuses_the_reply_is_kept_as_not_sent_and_a_retry_sends_it(shop: dict[str, Any]) -> None:
    number = shop["number"]
    ses = boto3.client("ses", region_name=REGION)
    ses.delete_identity(Identity="support@shop.example")  # SES now refuses to send as the shop
    status, body = call("POST", f"/v1/threads/{number}/replies", body={"text": "Sale hoy."})
    assert status == 502 and body["error"]["code"] == "reply_not_sent"
    assert body["thread"]["status"] == "open"
    assert body["message"]["delivery"]["state"] == "not_sent" and "authority" in body["message"]["delivery"]["error"]
    assert sent_mail() == []
    stored = call("GET", f"/v1/threads/{number}")[1]
    assert stored["messages"][-1]["delivery"]["state"] == "not_sent" and stored["thread"]["status"] == "open"

    retry = f"/v1/threads/{number}/replies/{body['message']['id']}/retry"
    assert call("POST", retry)[0] == 502  # still refused: still not sent
    ses.verify_email_identity(EmailAddress="support@shop.example")
    status, again = call("POST", retry)
    assert status == 200, again
    assert again["thread"]["status"] == "closed" and again["message"]["delivery"]["state"] == "sent"
    [mail] = sent_mail()
    assert "Sale hoy." in body_text(mail)
    status, twice = call("POST", retry)
    assert status == 409 and twice["error"]["code"] == "reply_already_sent"
    assert len(sent_mail()) == 1


def test_a_private_note_never_reaches_the_customer(shop: dict[str, Any]) -> None:
    number = shop["number"]
    status, body = call("POST", f"/v1/threads/{number}/notes", body={"text": "Secret: refund approved by Marta"})
    assert status == 201 and body["message"]["private"] and body["thread"]["status"] == "open"
    assert sent_mail() == []
    call("POST", f"/v1/threads/{number}/replies", body={"text": "Sale hoy."})
    call("POST", f"/v1/threads/{number}/forward", body={"to_email": "carrier@example.net", "comment": "Please check"})
    assert len(sent_mail()) == 2
    assert all("refund approved" not in mail.as_string() for mail in sent_mail())


def test_forwarding_sends_the_whole_discussion_and_records_a_private_note(shop: dict[str, Any]) -> None:
    number = shop["number"]
    for text in ("Second question", "Third question"):
        customer_writes(email="ana@example.com", language="es", text=text)
    call("POST", f"/v1/threads/{number}/replies", body={"text": "Fourth: the answer"})
    thread = threads.get_thread(number)
    threads.store_customer_message(
        contacts.get_contact("customer-service"), threads.CustomerMessage(email="ana@example.com", text="Fifth: thanks!", source="email", language="es"), thread=thread
    )
    status, body = call("POST", f"/v1/threads/{number}/forward", body={"to_email": "carrier@example.net", "comment": "Can you check the parcel?"})
    assert status == 201, body
    forwarded = sent_mail()[-1]
    assert forwarded["To"] == "carrier@example.net" and forwarded["X-Shopdesk"] == "forward"
    text = body_text(forwarded)
    for fragment in ("Can you check the parcel?", "¿Dónde está mi pedido?", "Second question", "Third question", "Fourth: the answer", "Fifth: thanks!"):
        assert fragment in text
    assert shop["token"] not in forwarded.as_string()  # the token is only ever the customer's
    assert body["message"]["private"] and body["message"]["source"] == "forward"
    assert "carrier@example.net" in body["message"]["text"]
    assert body["thread"]["status"] == "open" and body["thread"]["private"]


def test_forwarding_to_an_agent_needs_a_member_of_the_team(shop: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool = cognito.create_user_pool(PoolName="agents", UsernameAttributes=["email"])["UserPool"]["Id"]
    cognito.create_group(UserPoolId=pool, GroupName="agent")
    cognito.admin_create_user(UserPoolId=pool, Username="lia@shop.example", UserAttributes=[{"Name": "email", "Value": "lia@shop.example"}])
    cognito.admin_add_user_to_group(UserPoolId=pool, Username="lia@shop.example", GroupName="agent")
    monkeypatch.setenv("USER_POOL_ID", pool)
    config.cache_clear()
    number = shop["number"]
    status, body = call("POST", f"/v1/threads/{number}/forward", body={"to_agent": "stranger@example.com", "comment": "?"})
    assert status == 422 and body["error"]["fields"][0]["code"] == "unknown_agent"
    status, body = call("POST", f"/v1/threads/{number}/forward", body={"to_agent": "lia@shop.example", "comment": "Yours"})
    assert status == 201
    assert sent_mail()[-1]["To"] == "lia@shop.example"
    status, body = call("POST", f"/v1/threads/{number}/forward", body={"comment": "nobody"})
    assert status == 422 and body["error"]["fields"][0]["code"] == "forward_target_required"


def test_attachments_download_through_short_lived_forced_download_links(shop: dict[str, Any]) -> None:
    number = shop["number"]
    body = call("POST", f"/v1/threads/{number}/replies", body={"text": "Adjunto la factura", "attachments": [upload(PDF, "factura ñ.pdf")]})[1]
    status, link = call("GET", f"/v1/threads/{number}/attachments/{body['message']['id']}/0")
    assert status == 200 and link["filename"] == "factura ñ.pdf" and link["expires_in"] <= 600
    query = parse_qs(urlsplit(link["url"]).query)
    assert query["response-content-disposition"][0].startswith("attachment;")
    assert call("GET", f"/v1/threads/{number}/attachments/{body['message']['id']}/1")[0] == 404


def test_a_reply_upload_is_a_presigned_post_and_bad_files_are_refused(shop: dict[str, Any]) -> None:
    status, form = call("POST", "/v1/reply-uploads", body={"filename": "photo.png"})
    assert status == 201 and form["upload_key"].startswith("uploads/") and form["url"]
    assert call("POST", "/v1/reply-uploads", body={"filename": "run.exe"})[1]["error"]["code"] == "bad_file_type"
    fake = upload(b"MZ\x90\x00 not a pdf", "invoice.pdf")
    status, body = call("POST", f"/v1/threads/{shop['number']}/replies", body={"text": "x", "attachments": [fake]})
    assert status == 422 and body["error"]["code"] == "bad_file_type"
    assert threads.get_thread(shop["number"]).agent_messages == 0  # nothing stored, nothing sent
    assert sent_mail() == []


def test_deleting_a_thread_removes_its_messages_and_files(shop: dict[str, Any]) -> None:
    number = shop["number"]
    call("POST", f"/v1/threads/{number}/replies", body={"text": "Factura", "attachments": [upload(PDF)]})
    s3 = boto3.client("s3", region_name=REGION)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="shopdesk-attachments").get("Contents", [])]
    assert len(keys) == 1 and keys[0].startswith("attachments/")
    assert call("DELETE", f"/v1/threads/{number}")[0] == 204
    assert s3.list_objects_v2(Bucket="shopdesk-attachments").get("KeyCount") == 0
    assert call("GET", f"/v1/threads/{number}")[0] == 404
    from shopdesk.store.models import ShopdeskItem

    assert list(ShopdeskItem.query(f"THREAD#{number}")) == []
    assert call("DELETE", f"/v1/threads/{number}")[0] == 404


def test_status_changes_follow_the_buttons(shop: dict[str, Any]) -> None:
    number = shop["number"]
    for wanted in ("pending1", "pending2", "open", "closed", "open"):
        status, body = call("PUT", f"/v1/threads/{number}/status", body={"status": wanted})
        assert status == 200 and body["thread"]["status"] == wanted
    status, body = call("PUT", f"/v1/threads/{number}/status", body={"status": "archived"})
    assert status == 422 and [(f["field"], f["code"]) for f in body["error"]["fields"]] == [("status", "invalid_status")]


def test_an_empty_reply_is_refused_with_every_error(shop: dict[str, Any]) -> None:
    status, body = call("POST", f"/v1/threads/{shop['number']}/replies", claims=AGENT, body={"text": "  ", "attachments": "x"})
    assert status == 422
    assert {(f["field"], f["code"]) for f in body["error"]["fields"]} == {("text", "text_required"), ("attachments", "validation_failed")}


def test_with_plus_addressing_the_reply_to_names_the_thread(shop: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLUS_ADDRESSING", "true")
    config.cache_clear()
    number, token = shop["number"], shop["token"]
    assert call("POST", f"/v1/threads/{number}/replies", body={"text": "Sale hoy."})[0] == 201
    assert sent_mail()[0]["Reply-To"] == f"desk+ct{number}.tc{token}@shop.example"


def test_a_reply_answers_the_customers_mail_with_its_message_id_byte_for_byte_in_brackets(shop: dict[str, Any]) -> None:
    from shopdesk.admin.contacts import all_contacts
    from shopdesk.mail import importer, parse

    number, token = shop["number"], shop["token"]
    raw = (
        f"From: Ana <ana@example.com>\r\nTo: desk@shop.example\r\nSubject: Re: #ct{number} #tc{token}\r\n"
        "Message-ID: <CAF+Xy.9Q@Mail.Gmail.COM>\r\n\r\nOtra pregunta\r\n"
    ).encode()
    parsed = parse.parse(raw)
    assert importer.store(parsed, importer.prepare_batch([parsed], all_contacts(), True)).outcome == "imported"
    assert call("POST", f"/v1/threads/{number}/replies", body={"text": "Respuesta"})[0] == 201
    [reply] = sent_mail()
    assert reply["In-Reply-To"] == "<CAF+Xy.9Q@Mail.Gmail.COM>" and reply["References"] == "<CAF+Xy.9Q@Mail.Gmail.COM>"


def _customer_mail(number: int, token: str, headers: str) -> None:
    from shopdesk.admin.contacts import all_contacts
    from shopdesk.mail import importer, parse

    raw = (f"From: Ana <ana@example.com>\r\nTo: desk@shop.example\r\nSubject: Re: #ct{number} #tc{token}\r\n{headers}\r\nOtra pregunta\r\n").encode()
    parsed = parse.parse(raw)
    assert importer.store(parsed, importer.prepare_batch([parsed], all_contacts(), True)).outcome == "imported"


def test_a_reply_carries_the_customers_whole_references_chain_then_her_message_id(shop: dict[str, Any]) -> None:
    number, token = shop["number"], shop["token"]
    chain = "<Start.1@Shop.Example> <CAF+a.2@Mail.Gmail.COM>\r\n <x-3$y@Outlook.COM>"  # folded, as received
    _customer_mail(number, token, f"Message-ID: <Last.4@Mail.Gmail.COM>\r\nIn-Reply-To: <x-3$y@Outlook.COM>\r\nReferences: {chain}\r\n")
    assert call("POST", f"/v1/threads/{number}/replies", body={"text": "Respuesta"})[0] == 201
    [reply] = sent_mail()
    assert reply["In-Reply-To"] == "<Last.4@Mail.Gmail.COM>"
    assert reply["References"].split() == ["<Start.1@Shop.Example>", "<CAF+a.2@Mail.Gmail.COM>", "<x-3$y@Outlook.COM>", "<Last.4@Mail.Gmail.COM>"]


def test_a_very_long_chain_keeps_its_first_and_last_ids_each_once(shop: dict[str, Any]) -> None:
    number, token = shop["number"], shop["token"]
    chain = " ".join(f"<r{n}@Example.COM>" for n in range(40)) + " <r5@Example.COM> <own@Mail.Example>"
    _customer_mail(number, token, f"Message-ID: <own@Mail.Example>\r\nReferences: {chain}\r\n")
    assert call("POST", f"/v1/threads/{number}/replies", body={"text": "Respuesta"})[0] == 201
    ids = sent_mail()[0]["References"].split()
    assert len(ids) == 21 and len(set(ids)) == 21
    assert ids[0] == "<r0@Example.COM>" and ids[-1] == "<own@Mail.Example>" and ids[-2] == "<r39@Example.COM>"


@pytest.mark.parametrize(
    "references",
    [
        "<a@b.example> =?utf-8?q?=0D=0ABcc:_victim@example.com?= <c@d.example>",
        "<a@b.example> <=?utf-8?q?x=0D=0ABcc:_v@e.example?=@x> <c@d.example>",
        "<a@b.example>\tBcc: victim@example.com <c@d.example>",
        "<a@b.example> <evil\x85Bcc:v@e.example> <c@d.example>",
    ],
)
def test_nothing_in_a_customers_references_gets_into_our_headers_but_its_ids(shop: dict[str, Any], references: str) -> None:
    number, token = shop["number"], shop["token"]
    _customer_mail(number, token, f"Message-ID: <m@mail.example>\r\nReferences: {references}\r\n")
    assert call("POST", f"/v1/threads/{number}/replies", body={"text": "Respuesta"})[0] == 201
    [reply] = sent_mail()
    assert reply["Bcc"] is None and "victim" not in str(reply["References"]) and "Bcc" not in reply.as_string().split("\n\n", 1)[0].replace("X-", "")
    ids = reply["References"].split()
    assert ids[0] == "<a@b.example>" and ids[-1] == "<m@mail.example>"
    assert all(i.startswith("<") and i.endswith(">") and "\r" not in i and "\n" not in i for i in ids)


def test_a_reply_attachments_name_cannot_add_a_mime_header_or_part(shop: dict[str, Any]) -> None:
    name = "=?utf-8?q?x=0D=0AContent-Type:_text/html=0D=0A=0D=0A<script>x</script>?= a.pdf"
    status, body = call("POST", f"/v1/threads/{shop['number']}/replies", body={"text": "Adjunto", "attachments": [upload(PDF, name)]})
    assert status == 201, body
    [reply] = sent_mail()
    parts = [p for p in reply.walk() if not p.is_multipart()]
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html", "application/pdf"]
    assert sorted(k.lower() for k in parts[-1].keys()) == ["content-disposition", "content-transfer-encoding", "content-type", "mime-version"]
    assert "\n" not in parts[-1].get_filename() and parts[-1].get_content() == PDF


def test_a_reply_or_note_without_a_body_is_a_422_never_a_500(shop: dict[str, Any]) -> None:
    for path in ("replies", "notes", "forward"):
        status, body = call("POST", f"/v1/threads/{shop['number']}/{path}")
        assert status == 422, (path, body)
    assert call("PUT", f"/v1/threads/{shop['number']}/status")[0] == 422
