"""The storefront's contact form (SPEC §3) through the public function: validation, the three body
formats, save or forward, continuation, the first-post race, duplicates, retries, and mail."""

from __future__ import annotations

import email
import json
from email import policy
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from shopdesk.admin import contacts
from shopdesk.core.config import config
from shopdesk.intake import accept
from shopdesk.store import intake_data, threads
from shopdesk.store.models import Message, OpenThreadClaim, ShopSettings, Stats, Thread

from tests.in_process_aws import count_dynamodb_requests
from tests.unit import intake_support
from tests.unit.intake_support import call, event, form_fields, multipart, post_json, sent_mail

shop = intake_support.shop

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def thread_items(number: int) -> list[Any]:
    return list(threads.iter_thread_items(number))


def messages_of(number: int) -> list[Message]:
    return list(Message.query(f"THREAD#{number}", Message.sk.startswith("MSG#"), consistent_read=True))


def all_threads() -> list[Thread]:
    return list(Thread.gsi1.query("TL#ALL"))


def parsed(item: Any) -> email.message.EmailMessage:
    return email.message_from_string(item.raw_data, policy=policy.default)


def settings(**values: Any) -> None:
    current = ShopSettings(*ShopSettings.key())
    for name, value in values.items():
        setattr(current, name, value)
    current.save()


def forward_only_contact() -> str:
    return contacts.create_contact(
        {"names": {"en": "Press", "es": "Prensa", "pl": "Prasa"}, "email": "press@shop.example", "save_messages": False}
    )["id"]


# --- validation -------------------------------------------------------------------------------------

EXPECTED = {
    "en": ("Please choose who you are writing to.", "Invalid e-mail address.", "Please write a message."),
    "es": ("Elija a quién quiere escribir.", "Dirección de correo electrónico no válida.", "Escriba un mensaje."),
    "pl": ("Wybierz, do kogo piszesz.", "Nieprawidłowy adres e-mail.", "Napisz wiadomość."),
}


@pytest.mark.parametrize("lang", ["en", "es", "pl"])
def test_every_field_error_is_reported_at_once_in_the_visitors_language(shop: Any, lang: str) -> None:
    status, body = post_json(form_fields(contact_id="", email="not an address", message="   ", lang=lang))
    assert status == 422 and body["error"]["code"] == "validation_failed"
    fields = {f["field"]: f for f in body["error"]["fields"]}
    assert {k: v["code"] for k, v in fields.items()} == {"contact_id": "contact_required", "email": "invalid_email", "message": "blank_message"}
    assert (fields["contact_id"]["message"], fields["email"]["message"], fields["message"]["message"]) == EXPECTED[lang]
    assert all_threads() == []


@pytest.mark.parametrize("lang", ["en", "es", "pl"])
def test_an_unknown_contact_a_bad_file_and_a_too_large_file_are_errors_in_each_language(shop: Any, lang: str) -> None:
    payload, content_type = multipart(form_fields(contact_id="gone", lang=lang), {"attachment": ("invoice.pdf", EXE, "application/pdf")})
    status, body, _ = call(event("POST", "/v1/messages", payload, {"content-type": content_type, "accept": "application/json"}))
    assert status == 422
    codes = {f["field"]: f["code"] for f in body["error"]["fields"]}
    assert codes == {"contact_id": "contact_not_found", "attachment": "bad_file_type"}
    messages = {f["code"]: f["message"] for f in body["error"]["fields"]}
    assert messages["bad_file_type"].startswith({"en": "This type of file", "es": "Este tipo de archivo", "pl": "Ten typ pliku"}[lang])

    big = PDF + b"0" * (10 * 1024 * 1024)
    payload, content_type = multipart(form_fields(lang=lang), {"attachment": ("big.pdf", big, "application/pdf")})
    status, body, _ = call(event("POST", "/v1/messages", payload, {"content-type": content_type, "accept": "application/json"}))
    assert status == 422
    [error] = body["error"]["fields"]
    assert error["code"] == "file_too_large" and "10 MB" in error["message"]
    assert {"en": "too large", "es": "demasiado grande", "pl": "za duży"}[lang] in error["message"]

    status, body = post_json(form_fields(lang=lang, upload_key="uploads/" + "0" * 32, filename="a.pdf"))
    assert status == 422 and body["error"]["fields"][0]["code"] == "upload_failed"
    assert body["error"]["fields"][0]["message"] == {
        "en": "The file could not be uploaded. Please try again.",
        "es": "No se ha podido subir el archivo. Inténtelo de nuevo.",
        "pl": "Nie udało się przesłać pliku. Spróbuj ponownie.",
    }[lang]
    assert all_threads() == []


def test_an_unknown_language_falls_back_to_the_shops_default(shop: Any) -> None:
    status, body = post_json(form_fields(email="nope", lang="fr"))
    assert status == 422 and body["error"]["fields"][0]["message"] == "Invalid e-mail address."


def test_attachments_are_refused_when_the_shop_does_not_allow_uploads(shop: Any) -> None:
    settings(allow_uploads=False)
    payload, content_type = multipart(form_fields(), {"attachment": ("invoice.pdf", PDF, "application/pdf")})
    status, body, _ = call(event("POST", "/v1/messages", payload, {"content-type": content_type, "accept": "application/json"}))
    assert status == 422 and body["error"]["fields"][0]["code"] == "uploads_not_allowed"
    status, body, _ = call(event("POST", "/v1/uploads", json.dumps({"filename": "a.pdf"}), {"content-type": "application/json"}))
    assert status == 422 and body["error"]["fields"][0]["code"] == "uploads_not_allowed"


# --- the three body formats ---------------------------------------------------------------------------


def test_a_json_post_stores_an_open_thread_with_ip_and_user_agent(shop: Any) -> None:
    status, body = post_json(form_fields(order_ref="XKBKNABJK", product="Blue mug"), ip="198.51.100.4")
    assert status == 201 and body["status"] == "stored" and body["thread"] == {"number": 1}
    assert body["message"] == "Your message has been sent. Thank you, we will answer you soon."
    thread = threads.get_thread(1)
    assert (thread.status, thread.email, thread.order_ref, thread.product, thread.language) == ("open", "ann@example.com", "XKBKNABJK", "Blue mug", "en")
    [message] = messages_of(1)
    assert (message.ip, message.user_agent, message.source, message.text) == ("198.51.100.4", "Mozilla/5.0 (test)", "form", "Where is my order?")
    assert int(Stats.get(*Stats.global_key()).threads_open) == 1


def test_a_plain_urlencoded_form_is_redirected_back_to_its_page_with_the_result(shop: Any) -> None:
    page = "https://shop.example/contact?lang=es"
    body = urlencode(form_fields(lang="es"))
    status, answer, headers = call(
        event("POST", "/v1/messages", body, {"content-type": "application/x-www-form-urlencoded", "referer": page, "accept": "text/html"})
    )
    assert status == 303
    location = urlsplit(headers["Location"])
    assert location.netloc == "shop.example" and location.path == "/contact"
    assert parse_qs(location.query) == {"lang": ["es"], "shopdesk_status": ["stored"], "shopdesk_thread": ["1"]}
    assert answer["status"] == "stored"

    status, _, headers = call(
        event("POST", "/v1/messages", urlencode(form_fields(email="x", message="")), {"content-type": "application/x-www-form-urlencoded", "referer": page})
    )
    assert status == 303
    query = parse_qs(urlsplit(headers["Location"]).query)
    assert query["shopdesk_status"] == ["error"]
    assert query["shopdesk_errors"] == ["email:invalid_email,message:blank_message"]


def test_a_plain_multipart_form_is_redirected_back_too(shop: Any) -> None:
    payload, content_type = multipart(form_fields(return_to="https://shop.example/contact"), {"attachment": ("a.pdf", PDF, "application/pdf")})
    status, _, headers = call(event("POST", "/v1/messages", payload, {"content-type": content_type, "origin": "https://shop.example"}))
    assert status == 303
    location = urlsplit(headers["Location"])
    assert (location.netloc, location.path) == ("shop.example", "/contact")
    assert parse_qs(location.query)["shopdesk_status"] == ["stored"]


def test_a_redirect_never_leaves_the_posting_pages_site(shop: Any) -> None:
    body = urlencode(form_fields(return_to="https://evil.example/phish"))
    status, _, headers = call(
        event("POST", "/v1/messages", body, {"content-type": "application/x-www-form-urlencoded", "referer": "https://shop.example/contact"})
    )
    assert status == 303 and urlsplit(headers["Location"]).netloc == "shop.example"


def test_a_multipart_form_with_an_attachment_keeps_the_file_and_its_original_name(shop: Any) -> None:
    payload, content_type = multipart(form_fields(message="See the invoice"), {"attachment": ("Factura número 7.pdf", PDF, "application/pdf")})
    status, body, _ = call(event("POST", "/v1/messages", payload, {"content-type": content_type, "accept": "application/json"}))
    assert status == 201
    [message] = messages_of(body["thread"]["number"])
    [attachment] = message.attachments
    assert (attachment.filename, attachment.content_type, attachment.size) == ("Factura número 7.pdf", "application/pdf", len(PDF))
    import boto3

    stored = boto3.client("s3", region_name="eu-west-1").get_object(Bucket="shopdesk-attachments", Key=attachment.key)["Body"].read()
    assert stored == PDF


def test_the_widget_uploads_through_a_presigned_post_then_names_the_upload(shop: Any) -> None:
    status, form, _ = call(event("POST", "/v1/uploads", json.dumps({"filename": "photo.pdf"}), {"content-type": "application/json"}))
    assert status == 200 and form["upload_key"].startswith("uploads/") and form["max_size"] == 10 * 1024 * 1024
    import boto3

    boto3.client("s3", region_name="eu-west-1").put_object(Bucket="shopdesk-attachments", Key=form["upload_key"], Body=PDF)
    status, body = post_json(form_fields(upload_key=form["upload_key"], filename="photo.pdf"))
    assert status == 201
    [message] = messages_of(body["thread"]["number"])
    assert message.attachments[0].filename == "photo.pdf" and message.attachments[0].key.startswith("attachments/")


def test_an_uploaded_executable_named_pdf_is_refused_by_its_content(shop: Any) -> None:
    _, form, _ = call(event("POST", "/v1/uploads", json.dumps({"filename": "invoice.pdf"}), {"content-type": "application/json"}))
    import boto3

    boto3.client("s3", region_name="eu-west-1").put_object(Bucket="shopdesk-attachments", Key=form["upload_key"], Body=EXE)
    status, body = post_json(form_fields(upload_key=form["upload_key"], filename="invoice.pdf"))
    assert status == 422 and body["error"]["fields"][0]["code"] == "bad_file_type"
    assert all_threads() == []


# --- save or forward ----------------------------------------------------------------------------------


def test_a_forward_only_contact_mails_the_message_with_reply_to_the_visitor_and_stores_nothing(shop: Any) -> None:
    contact_id = forward_only_contact()
    payload, content_type = multipart(
        form_fields(contact_id=contact_id, email="journalist@news.example", message="An interview?"), {"attachment": ("questions.txt", b"1. Why?\n", "text/plain")}
    )
    status, body, _ = call(event("POST", "/v1/messages", payload, {"content-type": content_type, "accept": "application/json"}))
    assert status == 201 and body["status"] == "mailed" and "thread" not in body
    [sent] = sent_mail()
    mail = parsed(sent)
    assert mail["To"] == "press@shop.example" and mail["Reply-To"] == "journalist@news.example"
    assert mail["X-Shopdesk"] == "contact-form"
    assert "An interview?" in mail.get_body(("plain",)).get_content()
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "questions.txt" and attachment.get_content() == "1. Why?\n"
    assert all_threads() == []
    assert list(OpenThreadClaim.query("OPEN#journalist@news.example")) == []


def test_when_ses_fails_a_forward_only_contact_answers_a_5xx_error_never_success(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    contact_id = forward_only_contact()
    monkeypatch.setenv("SENDER_EMAIL", "unverified@elsewhere.example")  # SES (moto) rejects an unverified sender
    config.cache_clear()
    status, body = post_json(form_fields(contact_id=contact_id, lang="es"))
    assert status == 502 and body["error"]["code"] == "mail_not_sent"
    assert body["error"]["message"].startswith("No se pudo enviar el correo")
    assert sent_mail() == [] and all_threads() == []


def test_a_form_token_whose_post_could_not_be_sent_is_given_back_for_the_retry(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    contact_id = forward_only_contact()
    fields = form_fields(contact_id=contact_id, message="Please forward me")
    monkeypatch.setenv("SENDER_EMAIL", "unverified@elsewhere.example")
    config.cache_clear()
    assert post_json(fields)[0] == 502
    monkeypatch.setenv("SENDER_EMAIL", "support@shop.example")
    config.cache_clear()
    status, body = post_json(fields)  # the very same form, token and all, once mail works again
    assert status == 201 and body["status"] == "mailed" and len(sent_mail()) == 1


def test_notifications_go_to_the_contact_and_a_confirmation_with_markers_to_the_visitor(shop: Any) -> None:
    settings(notify_contact=True, confirm_visitor=True)
    status, body = post_json(form_fields(lang="pl", message="<b>Hi</b>\r\nsecond line"))
    assert status == 201
    thread = threads.get_thread(body["thread"]["number"])
    notification, confirmation = (parsed(m) for m in sent_mail())
    assert notification["To"] == "support@shop.example" and notification["Reply-To"] == "ann@example.com"
    assert notification["X-Shopdesk"] == "notification"
    assert "&lt;b&gt;Hi&lt;/b&gt;" in notification.get_body(("html",)).get_content()
    assert confirmation["To"] == "ann@example.com" and confirmation["X-Shopdesk"] == "confirmation"
    assert f"#ct{thread.number} #tc{thread.token}" in confirmation["Subject"]
    assert "Otrzymaliśmy Twoją wiadomość" in confirmation["Subject"]
    assert "Dziękujemy za wiadomość" in confirmation.get_body(("plain",)).get_content()
    assert "<b>" not in confirmation.get_body(("html",)).get_content()
    from shopdesk.store.models import MailId

    assert MailId.get(*MailId.key(confirmation["Message-ID"])).thread_number == thread.number


def test_the_confirmations_continue_link_names_the_parameters_the_widget_reads_and_continues_the_thread(
    shop: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTACT_PAGE_URL", "https://shop.example/contact?lang=es")
    config.cache_clear()
    settings(confirm_visitor=True)
    first = post_json(form_fields(lang="es"))[1]["thread"]["number"]
    threads.change_status(first, "closed")
    [confirmation] = (parsed(m) for m in sent_mail())
    link = next(word for word in confirmation.get_body(("plain",)).get_content().split() if word.startswith("https://shop.example/"))
    query = parse_qs(urlsplit(link).query)
    assert query == {"lang": ["es"], "shopdesk_thread": [str(first)], "shopdesk_token": [threads.get_thread(first).token]}
    assert f'href="{link.replace("&", "&amp;")}"' in confirmation.get_body(("html",)).get_content()
    # What the widget does with the link: the two parameters become the post's thread and token.
    status, body = post_json(form_fields(thread=query["shopdesk_thread"][0], token=query["shopdesk_token"][0], message="One more thing"))
    assert status == 201 and body["thread"]["number"] == first and threads.get_thread(first).status == "open"


def test_the_continue_link_has_one_shape_and_needs_a_contact_page() -> None:
    from shopdesk.mail.links import continue_link

    assert continue_link(7, "tok", page="https://shop.example/help?shopdesk_thread=1&x=y#form") == (
        "https://shop.example/help?x=y&shopdesk_thread=7&shopdesk_token=tok#form"
    )
    assert continue_link(7, "tok", page="https://shop.example/contact") == "https://shop.example/contact?shopdesk_thread=7&shopdesk_token=tok#shopdesk-contact"
    assert continue_link(7, "tok", page="") is None


def test_each_mail_is_switched_off_by_its_setting(shop: Any) -> None:
    settings(notify_contact=False, confirm_visitor=False)
    assert post_json(form_fields())[0] == 201
    assert sent_mail() == []


def test_a_failed_notification_keeps_the_message_and_records_the_failure(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings(notify_contact=True, confirm_visitor=True)
    monkeypatch.setenv("SENDER_EMAIL", "unverified@elsewhere.example")
    config.cache_clear()
    status, body = post_json(form_fields())
    assert status == 201 and body["status"] == "stored"
    [message] = messages_of(body["thread"]["number"])
    assert message.notification.state == "not_sent"
    assert "notification:" in message.notification.error and "confirmation:" in message.notification.error


def test_an_unexpected_error_while_mailing_keeps_the_message_and_is_recorded_for_the_agents(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from shopdesk.mail import notifications

    settings(notify_contact=True, confirm_visitor=True)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise KeyError("a template")

    monkeypatch.setattr(notifications, "_send_after_stored", broken)
    status, body = post_json(form_fields())
    assert status == 201 and body["status"] == "stored"
    [message] = messages_of(body["thread"]["number"])
    assert (message.notification.state, message.notification.error) == ("not_sent", "error: KeyError")


# --- continuation --------------------------------------------------------------------------------------


def test_the_same_address_contact_and_order_continue_the_thread_while_it_is_not_closed(shop: Any) -> None:
    first = post_json(form_fields(order_ref="A1"))[1]["thread"]["number"]
    threads.change_status(first, "pending1")
    assert post_json(form_fields(order_ref="A1", message="Any news?"))[1]["thread"]["number"] == first
    assert threads.get_thread(first).status == "open"
    assert post_json(form_fields(order_ref="B2"))[1]["thread"]["number"] != first
    assert post_json(form_fields(order_ref="A1", contact_id="webmaster"))[1]["thread"]["number"] != first


def test_a_message_continuing_the_boxs_oldest_open_thread_hands_the_link_on_without_a_refused_write(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The box the form read before storing is moved on by the message's own transaction; settling
    the link against it as it was read would be refused, re-read and written again (3 requests)."""
    oldest = post_json(form_fields(email="ann@example.com"))[1]["thread"]["number"]
    newer = post_json(form_fields(email="bea@example.com", message="Hello there"), ip="203.0.113.8")[1]["thread"]["number"]
    made = count_dynamodb_requests(monkeypatch)

    assert post_json(form_fields(email="ann@example.com", message="Any news?"), ip="203.0.113.9")[1]["thread"]["number"] == oldest

    box = Stats.get(*Stats.contact_key("customer-service"), consistent_read=True)
    assert int(box.oldest_open) == newer
    after_commit = made[made.index("TransactWriteItems") + 1 :]
    assert after_commit[:2] == ["Query", "UpdateItem"] and "GetItem" not in after_commit[:3]


def test_a_closed_thread_is_not_continued_by_address_a_new_one_starts(shop: Any) -> None:
    first = post_json(form_fields())[1]["thread"]["number"]
    threads.change_status(first, "closed")
    assert post_json(form_fields(message="New question"))[1]["thread"]["number"] != first


def test_the_link_with_the_threads_id_and_token_continues_and_reopens_it(shop: Any) -> None:
    first = post_json(form_fields())[1]["thread"]["number"]
    threads.change_status(first, "closed")
    token = threads.get_thread(first).token
    status, body = post_json(form_fields(thread=str(first), token=token, message="Thanks, one more thing", order_ref="OTHER"))
    assert status == 201 and body["thread"]["number"] == first
    assert threads.get_thread(first).status == "open" and threads.get_thread(first).customer_messages == 2


def test_a_link_with_a_wrong_token_starts_a_new_thread(shop: Any) -> None:
    first = post_json(form_fields())[1]["thread"]["number"]
    threads.change_status(first, "closed")
    status, body = post_json(form_fields(thread=str(first), token="guessed-token", message="Let me in"))
    assert status == 201 and body["thread"]["number"] != first
    assert threads.get_thread(first).customer_messages == 1


def test_two_first_posts_of_one_address_at_the_same_instant_give_one_thread(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second post's batched read saw no open thread (the first had not committed yet): its
    conditional claim loses and it continues the winner's thread."""
    first = post_json(form_fields(message="hello 1"))[1]["thread"]["number"]
    real = intake_data.read_items

    def stale(keys: list[tuple[str, str]]) -> list[Any]:
        return [item for item in real(keys) if not isinstance(item, OpenThreadClaim)]

    monkeypatch.setattr(intake_data, "read_items", stale)
    status, body = post_json(form_fields(message="hello 2"))
    assert status == 201 and body["thread"]["number"] == first
    assert len(all_threads()) == 1 and threads.get_thread(first).customer_messages == 2
    assert int(Stats.get(*Stats.global_key()).threads_total) == 1


# --- duplicates and retries ----------------------------------------------------------------------------


def test_the_same_message_sent_twice_within_minutes_is_stored_once_with_the_same_answer(shop: Any) -> None:
    first = post_json(form_fields(message="Is it in stock?"))
    again = post_json(form_fields(message="Is  it in stock?"))
    assert first == again and first[0] == 201
    assert len(messages_of(first[1]["thread"]["number"])) == 1
    assert int(Stats.get(*Stats.global_key()).customer_messages) == 1
    assert post_json(form_fields(message="Another question"))[1]["thread"] == first[1]["thread"]
    assert len(messages_of(first[1]["thread"]["number"])) == 2


def test_two_identical_posts_racing_store_one_message_and_answer_alike(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    first = post_json(form_fields(message="Twice?"))
    real = intake_data.read_items

    def stale(keys: list[tuple[str, str]]) -> list[Any]:
        return [item for item in real(keys) if type(item).__name__ != "RecentPost"]

    monkeypatch.setattr(intake_data, "read_items", stale)
    again = post_json(form_fields(message="Twice?"))
    assert again == first
    assert len(messages_of(first[1]["thread"]["number"])) == 1


def test_a_retry_with_the_same_idempotency_key_returns_the_first_answer_without_a_second_message(shop: Any) -> None:
    headers = {"idempotency-key": "9b2f6a3c-retry"}
    fields = form_fields(message="Retry me")
    first = post_json(fields, headers)
    number = first[1]["thread"]["number"]
    threads.change_status(number, "closed")  # a plain re-post would now start a new thread
    again = post_json(fields, headers)  # the very same request, sent again
    assert again == first
    assert len(all_threads()) == 1 and len(messages_of(number)) == 1
    other = post_json(form_fields(message="Retry me, please"), {"idempotency-key": "another-key"})
    assert other[1]["thread"]["number"] != number


def test_an_idempotency_key_reused_for_another_message_is_refused(shop: Any) -> None:
    headers = {"idempotency-key": "one-key"}
    assert post_json(form_fields(message="First text"), headers)[0] == 201
    status, body = post_json(form_fields(message="Other text"), headers)
    assert status == 422 and body["error"]["code"] == "idempotency_key_reused"


def test_a_retry_arriving_while_the_first_post_is_still_running_is_told_to_wait(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    headers = {"idempotency-key": "double-click"}
    fields = form_fields(message="Only once")
    real = accept.accept
    during: list[tuple[int, dict[str, Any]]] = []

    def slow_first(*args: Any, **kwargs: Any) -> Any:
        if not during:
            during.append(post_json(fields, headers))  # the second click, while the first is in progress
        return real(*args, **kwargs)

    monkeypatch.setattr(accept, "accept", slow_first)
    first = post_json(fields, headers)
    assert first[0] == 201
    assert during[0][0] == 409 and during[0][1]["error"]["code"] == "request_in_progress"
    assert len(all_threads()) == 1


def test_a_refused_post_is_not_remembered_by_its_idempotency_key(shop: Any) -> None:
    headers = {"idempotency-key": "fix-and-retry"}
    assert post_json(form_fields(email="bad"), headers)[0] == 422
    assert post_json(form_fields(), headers)[0] == 201


# --- what a visitor typed is stored and mailed safely -----------------------------------------------


def test_crlf_and_html_in_every_field_are_stored_as_text_and_never_inject_a_header(shop: Any) -> None:
    settings(notify_contact=True, confirm_visitor=True)
    evil = "x\r\nBcc: victim@example.com\r\nSubject: pwned <script>alert(1)</script>"
    status, body = post_json(form_fields(email="ann@example.com\r\nBcc: victim@example.com", message=evil, order_ref=evil, product=evil))
    assert status == 422 and [f["field"] for f in body["error"]["fields"]] == ["email"]
    status, body = post_json(form_fields(message=evil, order_ref=evil, product=evil))
    assert status == 201
    thread = threads.get_thread(body["thread"]["number"])
    assert "\r" not in thread.order_ref and "\n" not in thread.order_ref and "\n" not in thread.product
    [message] = messages_of(thread.number)
    assert message.text == "x\nBcc: victim@example.com\nSubject: pwned <script>alert(1)</script>"
    for sent in sent_mail():
        mail = parsed(sent)
        assert mail.get_all("Bcc") is None and len(mail.get_all("Subject")) == 1
        assert "victim@example.com" not in (mail["To"] + (mail["Reply-To"] or ""))
        assert "<script>" not in mail.get_body(("html",)).get_content()
        # the contact's notification shows it escaped; the visitor's confirmation never carries it
        assert ("&lt;script&gt;" in mail.get_body(("html",)).get_content()) == (mail["X-Shopdesk"] == "notification")


# --- the form configuration ---------------------------------------------------------------------------


def test_the_form_configuration_has_contacts_labels_limits_and_a_token_in_the_language(shop: Any) -> None:
    status, body, _ = call(event("GET", "/v1/form", query={"lang": "es"}))
    assert status == 200 and body["language"] == "es"
    assert [c["name"] for c in body["contacts"]] == ["Webmaster", "Servicio al cliente"]
    assert body["allow_uploads"] is True and "pdf" in body["allowed_extensions"] and body["max_size"] == 10 * 1024 * 1024
    assert body["labels"]["send"] == "Enviar" and body["form_token"].count(".") == 2 and body["captcha"] is None
    assert "email" not in json.dumps(body["contacts"])


def test_a_message_costs_one_batched_read_and_one_transaction_beyond_the_number_and_rate_counters(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.client import BaseClient

    calls: list[str] = []
    original = BaseClient._make_api_call

    def counted(client: Any, operation: str, params: dict[str, Any]) -> Any:
        if client.meta.service_model.service_name == "dynamodb":
            key = params.get("Key") or {}
            calls.append(f"{operation} {str(key.get('PK', {}).get('S', '')).split('#')[0]}".strip())
        return original(client, operation, params)

    settings(notify_contact=False, confirm_visitor=True)
    post_json(form_fields(message="warm-up", email="warm@example.com"))
    monkeypatch.setattr(BaseClient, "_make_api_call", counted)
    post_json(form_fields(message="first"))
    # The single-use form token is spent with one conditional PutItem before the message is written;
    # the confirmation takes its place in the day's limits per recipient and per shop (one
    # conditional UpdateItem each) and its Message-ID is kept (BatchWriteItem).
    confirms = ["UpdateItem CONFIRMS", "UpdateItem CONFIRMS"]
    assert sorted(calls) == sorted(["BatchGetItem", "BatchWriteItem", "PutItem", "TransactWriteItems", "UpdateItem COUNTER", *confirms, "UpdateItem RATE", "UpdateItem RATE"])
    calls.clear()
    post_json(form_fields(message="second"))  # continues by the address's claim: no read of the thread
    # The open thread moves to the newest end of its box: the box, read in the same batch, says it
    # was not the box's link (the warm-up thread is), so nothing more is read or written.
    assert sorted(calls) == sorted(["BatchGetItem", "BatchWriteItem", "PutItem", "TransactWriteItems", *confirms, "UpdateItem RATE", "UpdateItem RATE"])


# --- hostile input: always a 4xx in the stable error shape, never a 5xx -------------------------------


def assert_error(answer: tuple[int, dict[str, Any], dict[str, str]] | tuple[int, dict[str, Any]], status: int, code: str) -> dict[str, Any]:
    assert answer[0] == status, answer
    error = answer[1]["error"]
    assert error["code"] == code and error["message"]
    return error


def raw_post(body: bytes, content_type: str, path: str = "/v1/messages") -> tuple[int, dict[str, Any], dict[str, str]]:
    return call(event("POST", path, body, {"content-type": content_type, "accept": "application/json"}))


def test_json_nested_a_hundred_thousand_deep_is_refused_before_parsing_on_every_json_route(shop: Any) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    deep_object = b'{"message": ' + b'{"a": ' * 30_000 + b"1" + b"}" * 30_000 + b"}"  # past any parser's recursion, under the size limit
    assert_error(raw_post(deep, "application/json"), 400, "json_too_deep")
    assert_error(raw_post(deep_object, "application/json"), 400, "json_too_deep")
    assert_error(raw_post(deep, ""), 400, "json_too_deep")
    assert_error(raw_post(deep_object, "application/json", "/v1/uploads"), 400, "json_too_deep")
    assert_error(raw_post(deep_object, "application/json", "/v1/storefront/messages"), 401, "bad_signature")
    nested_in_a_string = json.dumps(form_fields(message="[" * 5000 + " is fine as text")).encode()
    assert raw_post(nested_in_a_string, "application/json")[0] == 201


def test_a_lone_utf16_surrogate_in_a_field_is_a_field_error(shop: Any) -> None:
    body = json.dumps(form_fields()).replace('"Where is my order?"', '"Where \\ud800 is it?"').replace('"ann@example.com"', '"ann\\udfff@example.com"')
    error = assert_error(raw_post(body.encode(), "application/json"), 422, "validation_failed")
    assert {(f["field"], f["code"]) for f in error["fields"]} == {("message", "invalid_text"), ("email", "invalid_text")}
    assert all_threads() == []


def test_a_json_body_with_an_empty_content_type_is_read_as_json(shop: Any) -> None:
    status, body, _ = raw_post(json.dumps(form_fields()).encode(), "")
    assert status == 201 and body["status"] == "stored"


def test_a_text_body_larger_than_any_form_is_refused_as_too_large(shop: Any) -> None:
    huge = json.dumps(form_fields(message="x" * 300_000)).encode()
    error = assert_error(raw_post(huge, "application/json"), 413, "body_too_large")
    assert "256 KB" in error["message"]
    assert_error(raw_post(urlencode(form_fields(message="x" * 300_000)).encode(), "application/x-www-form-urlencoded"), 413, "body_too_large")


def test_multipart_in_an_unknown_charset_is_refused_with_its_own_code(shop: Any) -> None:
    body, content_type = multipart(form_fields())
    body = body.replace(b'name="message"\r\n', b'name="message"\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n', 1)
    assert_error(raw_post(body, content_type), 415, "unsupported_charset")


def test_an_address_hiding_a_line_break_in_an_encoded_word_is_invalid(shop: Any) -> None:
    for address in ("=?utf-8?q?x=0D=0ABcc=3A_victim=40evil.example?=@example.com", "=?utf-8?b?YW5uQGV4YW1wbGUuY29t?=@example.com"):
        status, body = post_json(form_fields(email=address))
        assert status == 422 and [(f["field"], f["code"]) for f in body["error"]["fields"]] == [("email", "invalid_email")]
    assert all_threads() == [] and sent_mail() == []


# --- concurrency: simultaneous posts are all stored, or answered alike, never a 500 --------------------


def at_once(posts: list[dict[str, Any]], headers: dict[str, str] | None = None) -> list[tuple[int, dict[str, Any]]]:
    """Every post sent from its own thread, released together."""
    import threading

    gate = threading.Barrier(len(posts))
    answers: list[tuple[int, dict[str, Any]] | None] = [None] * len(posts)

    def send(index: int) -> None:
        gate.wait()
        answers[index] = post_json(posts[index], headers)

    workers = [threading.Thread(target=send, args=(index,)) for index in range(len(posts))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return [answer for answer in answers if answer is not None]


def test_five_different_messages_of_one_visitor_at_the_same_instant_are_all_stored_in_one_thread(shop: Any, atomic_requests: None) -> None:
    first = post_json(form_fields(email="earlier@example.com", message="The first one"))[1]["thread"]["number"]
    token = threads.get_thread(first).token
    answers = at_once([form_fields(thread=str(first), token=token, message=f"Message {n}") for n in range(5)])
    assert [status for status, _ in answers] == [201] * 5, answers
    assert {body["thread"]["number"] for _, body in answers} == {first}
    assert sorted(m.text for m in messages_of(first)) == [f"Message {n}" for n in range(5)] + ["The first one"]
    assert threads.get_thread(first).customer_messages == 6


@pytest.mark.parametrize("headers", [{"idempotency-key": "five-at-once"}, {}], ids=["with an idempotency key", "without"])
def test_the_same_post_sent_five_times_at_once_is_stored_once_and_never_fails(shop: Any, atomic_requests: None, headers: dict[str, str]) -> None:
    answers = at_once([form_fields(message="Only one of me")] * 5, headers)
    assert all(status in (201, 409) for status, _ in answers), answers
    stored = [body for status, body in answers if status == 201]
    assert stored and all(body == stored[0] for body in stored)
    assert all(body["error"]["code"] == "request_in_progress" for status, body in answers if status == 409)
    assert len(all_threads()) == 1 and len(messages_of(stored[0]["thread"]["number"])) == 1


def test_a_transaction_that_collides_with_another_is_tried_again_a_bounded_number_of_times(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from pynamodb.exceptions import CancellationReason, TransactWriteError, VerboseClientError

    def conflict() -> TransactWriteError:
        reasons = [CancellationReason(code="TransactionConflict", message="Transaction is ongoing for the item")]
        cause = VerboseClientError({"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}}, "TransactWriteItems", cancellation_reasons=reasons)
        return TransactWriteError("Failed to write transaction items", cause=cause)

    real = threads.store_customer_message
    calls: list[int] = []

    def colliding(*args: Any, collisions: int = 2, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) <= collisions:
            raise conflict()
        return real(*args, **kwargs)

    monkeypatch.setattr(intake_data.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(threads, "store_customer_message", colliding)
    status, body = post_json(form_fields(message="Despite two collisions"))
    assert status == 201 and len(calls) == 3 and len(messages_of(body["thread"]["number"])) == 1

    calls.clear()
    monkeypatch.setattr(threads, "store_customer_message", lambda *a, **k: colliding(*a, collisions=99, **k))
    status, body = post_json(form_fields(message="Collides every time"))
    assert status == 409 and body["error"]["code"] == "busy_try_again" and len(calls) == intake_data.CONFLICT_ATTEMPTS


# --- abuse limits: redirects and idempotency keys ---------------------------------------------------


@pytest.mark.parametrize(
    "return_to",
    [
        "https://shop.example/contact\r\nSet-Cookie: session=stolen",
        "https://shop.example/contact%0d%0aSet-Cookie:%20session=stolen",
        "https://shop.example/con tact?x=<script>#frag",
        "https://user:pass@shop.example/contact",
        "javascript:alert(1)//shop.example",
        "//shop.example/contact",
    ],
)
def test_return_to_is_parsed_and_rebuilt_never_echoed_into_the_location(shop: Any, return_to: str) -> None:
    body = urlencode(form_fields(return_to=return_to))
    headers = {"content-type": "application/x-www-form-urlencoded", "referer": "https://shop.example/contact?lang=en"}
    status, _, answer_headers = call(event("POST", "/v1/messages", body, headers))
    location = answer_headers["Location"]
    assert status == 303 and not any(ord(ch) < 0x21 or ch in "<>\"'" for ch in location), location
    parts = urlsplit(location)
    assert (parts.scheme, parts.netloc) == ("https", "shop.example") and parts.fragment == "shopdesk-contact"
    assert "Set-Cookie" not in parse_qs(parts.query) and "session" not in parse_qs(parts.query)


def test_a_referer_with_a_line_break_is_no_address_and_the_answer_is_json(shop: Any) -> None:
    body = urlencode(form_fields())
    headers = {"content-type": "application/x-www-form-urlencoded", "referer": "https://shop.example/\r\nX-Evil: 1"}
    status, answer, answer_headers = call(event("POST", "/v1/messages", body, headers))
    assert status == 201 and "Location" not in answer_headers and answer["status"] == "stored"


def test_long_idempotency_keys_that_share_a_beginning_are_different_keys(shop: Any) -> None:
    common = "k" * 300
    first = post_json(form_fields(message="First long-keyed message"), {"idempotency-key": common + "-one"})
    second = post_json(form_fields(message="Second long-keyed message"), {"idempotency-key": common + "-two"})
    assert first[0] == second[0] == 201, second
    assert len(messages_of(first[1]["thread"]["number"])) == 2
