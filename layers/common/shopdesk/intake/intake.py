"""The storefront's contact form (SPEC §3): one post becomes a stored thread message or a mail.

`post_message` is the whole path of `POST /v1/messages` (and of the signed post in
storefront.py): read the body (JSON, urlencoded or multipart), check every field at once, run the
anti-spam rules, then save or forward. Its reads are batched: the settings, the contact, the
address's open-thread claim (or the linked thread), the recent-post record and the blocked-sender
items come back in ONE BatchGetItem; a new thread then costs the number allocation and one
transaction, a continued one one transaction.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from pynamodb.transactions import TransactWrite

from shopdesk.core.aws import client
from shopdesk.core.config import config
from shopdesk.core.errors import Conflict, FieldError, ShopdeskError, Unprocessable, UnsupportedMedia, ValidationFailed
from shopdesk.core.i18n import message as localized_message
from shopdesk.core.i18n import pick_language, register
from shopdesk.core.validation import is_valid_email, json_object
from shopdesk.intake import antispam
from shopdesk.mail import notifications
from shopdesk.mail.send import OutgoingAttachment
from shopdesk.store import attachments, threads
from shopdesk.store.models import Contact, OpenThreadClaim, RecentPost, ShopdeskItem, ShopSettings, Stats, Thread

register(
    {
        "blank_message": {
            "en": "Please write a message.",
            "es": "Escriba un mensaje.",
            "pl": "Napisz wiadomość.",
        },
        "contact_required": {
            "en": "Please choose who you are writing to.",
            "es": "Elija a quién quiere escribir.",
            "pl": "Wybierz, do kogo piszesz.",
        },
        "uploads_not_allowed": {
            "en": "This shop does not accept attachments.",
            "es": "Esta tienda no acepta archivos adjuntos.",
            "pl": "Ten sklep nie przyjmuje załączników.",
        },
        "message_sent": {
            "en": "Your message has been sent. Thank you, we will answer you soon.",
            "es": "Su mensaje se ha enviado. Gracias, le responderemos pronto.",
            "pl": "Twoja wiadomość została wysłana. Dziękujemy, odpowiemy wkrótce.",
        },
        "unsupported_body": {
            "en": "Send the form as JSON, urlencoded or multipart/form-data.",
            "es": "Envíe el formulario como JSON, urlencoded o multipart/form-data.",
            "pl": "Wyślij formularz jako JSON, urlencoded lub multipart/form-data.",
        },
        "request_in_progress": {
            "en": "This message is already being sent. Please wait a moment.",
            "es": "Este mensaje ya se está enviando. Espere un momento.",
            "pl": "Ta wiadomość jest już wysyłana. Poczekaj chwilę.",
        },
        "idempotency_key_reused": {
            "en": "This Idempotency-Key was already used for a different message.",
            "es": "Esta Idempotency-Key ya se usó para otro mensaje.",
            "pl": "Ten Idempotency-Key został już użyty dla innej wiadomości.",
        },
        "order_not_of_customer": {
            "en": "This order does not belong to this customer.",
            "es": "Este pedido no pertenece a este cliente.",
            "pl": "To zamówienie nie należy do tego klienta.",
        },
    }
)

MESSAGE_LIMIT = 10_000
ORDER_REF_LIMIT = 64
PRODUCT_LIMIT = 255
DUPLICATE_WINDOW = timedelta(minutes=10)
MAX_BODY = attachments.MAX_SIZE + 1024 * 1024
FIELDS = (
    "contact_id", "email", "message", "order_ref", "product", "lang", "upload_key", "filename",
    "form_token", "website", "thread", "token", "captcha", "return_to",
)
CAPTCHA_FIELDS = ("captcha", "cf-turnstile-response", "h-captcha-response")


# --- the request ---------------------------------------------------------------------------------


@dataclass
class UploadedFile:
    filename: str
    data: bytes


@dataclass
class IntakeRequest:
    """What the handler hands over from the HTTP event."""

    content_type: str
    body: bytes
    ip: str | None = None
    user_agent: str | None = None
    accept: str = ""
    language_hint: str | None = None  # ?lang= or Accept-Language
    referer: str | None = None
    origin: str | None = None
    idempotency_key: str | None = None
    lambda_context: Any = None  # lets the idempotency record expire an interrupted attempt in time


@dataclass
class SignedIdentity:
    """A logged-in customer, as the storefront's signed call names them (storefront.py)."""

    email: str
    customer_id: str | None = None
    name: str | None = None


@dataclass
class Answer:
    """The handler's answer: JSON (status + body) or, for a plain HTML form, a 303 to `location`."""

    status: int
    body: dict[str, Any]
    location: str | None = None


@dataclass
class Form:
    fields: dict[str, str] = field(default_factory=dict)
    file: UploadedFile | None = None
    is_json: bool = False


def parse_body(content_type: str, body: bytes) -> Form:
    """JSON (the widget), urlencoded or multipart (a shop's own HTML form)."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if len(body) > MAX_BODY:
        raise ValidationFailed([FieldError("attachment", "file_too_large", {"limit_mb": attachments.MAX_SIZE // (1024 * 1024)})])
    if media == "application/json" or (not media and body.lstrip().startswith(b"{")):
        data = json_object(body)
        return Form({k: v if isinstance(v, str) else ("" if v is None else str(v)) for k, v in data.items()}, is_json=True)
    if media == "application/x-www-form-urlencoded":
        return Form(dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)))
    if media == "multipart/form-data":
        return _parse_multipart(content_type, body)
    raise UnsupportedMedia("unsupported_body")


def _parse_multipart(content_type: str, body: bytes) -> Form:
    parsed = BytesParser(policy=policy.HTTP).parsebytes(b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n" + body)
    form = Form()
    if not parsed.is_multipart():
        raise UnsupportedMedia("unsupported_body")
    for part in parsed.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        filename = part.get_filename()
        data = part.get_payload(decode=True) or b""
        if filename is not None:
            if name == "attachment" and data:
                form.file = UploadedFile(filename, data)
            continue
        charset = part.get_content_charset() or "utf-8"
        form.fields[str(name)] = data.decode(charset, "replace")
    return form


# --- checks --------------------------------------------------------------------------------------


def _single_line(value: str, limit: int) -> str:
    """Order references and product names go into mails: no control characters, no line breaks."""
    flat = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in value)
    return " ".join(flat.split())[:limit]


def _message_text(value: str) -> str:
    """The visitor's text as written: line breaks kept (as \\n), other control characters dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


@dataclass
class Checked:
    contact: Contact | None
    email: str
    text: str
    language: str
    order_ref: str | None
    product: str | None
    settings: ShopSettings
    claim: OpenThreadClaim | None
    box: Stats | None  # the contact's dashboard item: saves a read when the message moves an open thread
    linked: Thread | None
    recent: RecentPost | None
    digest: str
    found: list[Any]


def _digest(email: str, contact_id: str, order_ref: str | None, thread: str, text: str) -> str:
    basis = "\x1f".join([email.lower(), contact_id, order_ref or "", thread, " ".join(text.split())])
    return hashlib.sha256(basis.encode()).hexdigest()[:40]


def _batch_read(keys: list[tuple[str, str]]) -> list[Any]:
    """One BatchGetItem for every item the post needs (access patterns 3, 5, 6, 30 and the recent post)."""
    unique = list(dict.fromkeys(keys))
    return list(ShopdeskItem.batch_get(unique, consistent_read=True))


def check(form: Form, lang: str, identity: SignedIdentity | None) -> Checked:
    """Every field rule at once (SPEC §3); the items the rules need come from one batched read."""
    f = form.fields
    email = (identity.email if identity else f.get("email", "")).strip()
    contact_id = f.get("contact_id", "").strip()
    text = _message_text(f.get("message", ""))
    order_ref = _single_line(f.get("order_ref", ""), ORDER_REF_LIMIT) or None
    product = _single_line(f.get("product", ""), PRODUCT_LIMIT) or None
    thread_link = f.get("thread", "").strip().lstrip("#")
    email_ok = is_valid_email(email)
    contact_id_ok = bool(re.fullmatch(r"[A-Za-z0-9_-]{1,64}", contact_id))

    digest = _digest(email, contact_id, order_ref, thread_link, text)
    keys = [ShopSettings.key(), RecentPost.key(digest)]
    if contact_id_ok:
        keys += [Contact.key(contact_id), Stats.contact_key(contact_id)]
    if email_ok:
        keys += antispam.blocked_keys(email)
        if contact_id_ok:
            keys.append(OpenThreadClaim.key(email, contact_id, order_ref))
    if thread_link.isdigit():
        keys.append(Thread.key(int(thread_link)))
    found = _batch_read(keys)
    by_kind: dict[type, Any] = {type(item): item for item in found}
    settings = by_kind.get(ShopSettings) or ShopSettings(*ShopSettings.key())
    contact = by_kind.get(Contact)
    linked = by_kind.get(Thread)
    if linked is not None and not threads.token_matches(linked, f.get("token")):
        linked = None  # a wrong token is not an error: the message simply does not join that thread

    errors: list[FieldError] = []
    if not contact_id:
        errors.append(FieldError("contact_id", "contact_required"))
    elif contact is None:
        errors.append(FieldError("contact_id", "contact_not_found"))
    if not email_ok:
        errors.append(FieldError("email", "invalid_email"))
    if not text:
        errors.append(FieldError("message", "blank_message"))
    elif len(text) > MESSAGE_LIMIT:
        errors.append(FieldError("message", "too_long", {"limit": MESSAGE_LIMIT}))
    has_file = form.file is not None or bool(f.get("upload_key"))
    if has_file and not settings.allow_uploads:
        errors.append(FieldError("attachment", "uploads_not_allowed"))
    elif form.file is not None:
        try:
            attachments.check_file(attachments.display_name(form.file.filename), form.file.data, len(form.file.data))
        except attachments.AttachmentRefused as refused:
            errors.append(FieldError("attachment", refused.code, refused.params))
    elif f.get("upload_key"):
        name = attachments.display_name(f.get("filename"))
        if attachments.extension(name) not in attachments.CONTENT_TYPES:
            errors.append(FieldError("attachment", "bad_file_type", {"allowed": ", ".join(attachments.ALLOWED_EXTENSIONS)}))
    if errors:
        raise ValidationFailed(errors)
    assert contact is not None
    return Checked(
        contact=contact,
        email=email.lower(),
        text=text,
        language=lang,
        order_ref=order_ref,
        product=product,
        settings=settings,
        claim=by_kind.get(OpenThreadClaim),
        box=by_kind.get(Stats),
        linked=linked,
        recent=by_kind.get(RecentPost),
        digest=digest,
        found=found,
    )


def _still_recent(recent: RecentPost | None) -> bool:
    return recent is not None and datetime.fromisoformat(recent.at) > datetime.now(UTC) - DUPLICATE_WINDOW


# --- save or forward -----------------------------------------------------------------------------


def _success(lang: str, status: str, number: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "message": localized_message("message_sent", lang)}
    if number is not None:
        body["thread"] = {"number": number}
    return body


def _attachment_for_thread(form: Form) -> list[dict[str, Any]]:
    if form.file is not None:
        return [attachments.store_checked(form.file.data, attachments.display_name(form.file.filename)).to_dict()]
    if form.fields.get("upload_key"):
        try:
            stored = attachments.accept_upload(form.fields["upload_key"], form.fields.get("filename", ""))
        except attachments.AttachmentRefused as refused:
            raise ValidationFailed([FieldError("attachment", refused.code, refused.params)]) from None
        return [stored.to_dict()]
    return []


def _attachment_for_mail(form: Form) -> OutgoingAttachment | None:
    if form.file is not None:
        name = attachments.display_name(form.file.filename)
        return OutgoingAttachment(name, attachments.check_file(name, form.file.data, len(form.file.data)), form.file.data)
    if form.fields.get("upload_key"):
        [stored] = _attachment_for_thread(form)
        s3 = client("s3")
        data = s3.get_object(Bucket=config().attachments_bucket, Key=stored["key"])["Body"].read()
        attachments.delete_files([stored["key"]])  # forward-only: nothing of the visitor's is kept
        return OutgoingAttachment(stored["filename"], stored["content_type"], data)
    return None


def accept(form: Form, request: IntakeRequest, identity: SignedIdentity | None = None) -> dict[str, Any]:
    """Checks, anti-spam, then save or forward. Raises ShopdeskError subclasses for every refusal."""
    lang = pick_language(form.fields.get("lang") or request.language_hint)
    checked = check(form, lang, identity)
    contact = checked.contact
    assert contact is not None
    if identity is None:  # a signed server-to-server call is the shop itself, not a bot
        antispam.check_honeypot(form.fields.get("website"))
        antispam.check_form_token(form.fields.get("form_token"))
        antispam.check_not_blocked(checked.found)
        antispam.check_captcha(next((form.fields[n] for n in CAPTCHA_FIELDS if form.fields.get(n)), None), request.ip)
    if _still_recent(checked.recent):
        # The same text, by the same address, just sent: stored once, the same answer both times.
        assert checked.recent is not None
        return _success(lang, "stored", int(checked.recent.thread_number))
    if identity is None:
        antispam.check_rate_limits(request.ip, checked.email)

    visit = notifications.Visit(
        email=checked.email,
        message=checked.text,
        language=lang,
        order_ref=checked.order_ref,
        product=checked.product,
        attachment_name=attachments.display_name(form.file.filename if form.file else form.fields.get("filename"))
        if (form.file or form.fields.get("upload_key"))
        else None,
    )
    if not contact.save_messages:
        notifications.forward_to_contact(contact, visit, _attachment_for_mail(form))
        return _success(lang, "mailed", None)

    incoming = threads.CustomerMessage(
        email=checked.email,
        text=checked.text,
        source="form",
        language=lang,
        customer_name=identity.name if identity else None,
        customer_id=identity.customer_id if identity else None,
        order_ref=checked.order_ref,
        product=checked.product,
        ip=(request.ip or None) if identity is None else None,
        user_agent=(request.user_agent or "")[:512] or None,
        attachments=_attachment_for_thread(form),
    )
    now = datetime.now(UTC)

    def remember(writes: TransactWrite) -> None:
        # In the message's own transaction: of two identical posts racing, the second one's
        # transaction fails on this condition, and it answers with the first one's thread.
        recent = RecentPost(
            *RecentPost.key(checked.digest),
            thread_number=incoming.thread_number,
            at=threads.now_iso(now),
            expires_at=int((now + DUPLICATE_WINDOW).timestamp()) + 60,
        )
        writes.save(recent, condition=RecentPost.pk.does_not_exist() | (RecentPost.at < threads.now_iso(now - DUPLICATE_WINDOW)))

    thread = checked.linked
    if thread is None and checked.claim is not None and checked.claim.token:
        # The claim names the thread and carries its token: enough to continue it and to mark the
        # confirmation, without reading the thread (its other fields are not needed here).
        thread = Thread(
            *Thread.key(int(checked.claim.number)),
            number=int(checked.claim.number),
            status=checked.claim.status,
            token=checked.claim.token,
            contact_id=contact.contact_id,
            email=checked.email,
            language=lang,
            last_message_at="",
        )
    try:
        stored = threads.store_customer_message(contact, incoming, thread=thread, extra_writes=remember, claim=checked.claim, box=checked.box)
    except threads.ThreadChanged:
        try:
            recent = RecentPost.get(*RecentPost.key(checked.digest), consistent_read=True)
        except RecentPost.DoesNotExist:
            raise threads.ThreadChanged() from None
        if not _still_recent(recent):
            raise
        return _success(lang, "stored", int(recent.thread_number))
    notifications.after_stored(checked.settings, contact, stored.thread, stored.message, visit)
    return _success(lang, "stored", int(stored.thread.number))


# --- the route -----------------------------------------------------------------------------------


def accept_once(form: Form, request: IntakeRequest, identity: SignedIdentity | None) -> dict[str, Any]:
    """A retried POST with the same Idempotency-Key gets the first answer (Powertools, same table)."""
    if not request.idempotency_key:
        return accept(form, request, identity)
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError, IdempotencyValidationError

    layer = DynamoDBPersistenceLayer(
        table_name=config().table_name,
        key_attr="PK",
        sort_key_attr="SK",
        static_pk_value="IDEMPOTENCY",
        expiry_attr="expires_at",
        boto3_client=client("dynamodb"),
    )
    # The key finds the record; the body's hash must match it, so a reused key with other content is refused.
    settings = IdempotencyConfig(event_key_jmespath="key", payload_validation_jmespath="body", expires_after_seconds=24 * 3600)
    if request.lambda_context is not None:
        settings.register_lambda_context(request.lambda_context)

    def run(request_key: dict[str, str]) -> dict[str, Any]:
        return accept(form, request, identity)

    wrapped = idempotent_function(run, data_keyword_argument="request_key", persistence_store=layer, config=settings, key_prefix="IDEMPOTENCY")
    key = request.idempotency_key.strip()[:200]
    try:
        return wrapped(request_key={"key": key, "body": hashlib.sha256(request.body).hexdigest()})
    except IdempotencyAlreadyInProgressError:
        raise Conflict("request_in_progress") from None
    except IdempotencyValidationError:
        raise Unprocessable("idempotency_key_reused") from None


def _wants_redirect(form: Form, request: IntakeRequest) -> bool:
    """A plain HTML form (not JavaScript) gets a 303 back to its page."""
    return not form.is_json and "application/json" not in (request.accept or "").lower()


def _return_address(form: Form, request: IntakeRequest) -> str | None:
    """Back to the form's page: `return_to` if it is on the posting page's own site, else the Referer."""
    referer = request.referer or ""
    candidate = form.fields.get("return_to", "").strip()
    site = urlsplit(request.origin or referer)
    target = urlsplit(candidate) if candidate else None
    if target and target.scheme in ("http", "https") and site.netloc and target.netloc == site.netloc:
        return candidate
    return referer if urlsplit(referer).scheme in ("http", "https") else None


def _with_result(address: str, params: dict[str, str]) -> str:
    base, _, _fragment = address.partition("#")
    kept = [(k, v) for k, v in parse_qsl(urlsplit(base).query, keep_blank_values=True) if not k.startswith("shopdesk_")]
    path = base.split("?", 1)[0]
    query = urlencode(kept + list(params.items()))
    return f"{path}?{query}#shopdesk-contact"


def post_message(request: IntakeRequest, identity: SignedIdentity | None = None) -> Answer:
    """POST /v1/messages: 201 with `{status, thread?, message}`, or a 303 for a plain HTML form."""
    form = parse_body(request.content_type, request.body)
    if identity is not None:
        form.fields["email"] = identity.email
    lang = pick_language(form.fields.get("lang") or request.language_hint)
    redirect = _return_address(form, request) if _wants_redirect(form, request) else None
    try:
        result = accept_once(form, request, identity)
    except ShopdeskError as error:
        body = error.body(lang)  # in the form's language, which may differ from the request's
        if redirect is None:
            error.lang = lang  # in the form's language, which may differ from the request's
            raise  # the resolver answers it, like every other error
        fields = body["error"].get("fields") or [{"field": "form", "code": error.code}]
        params = {"shopdesk_status": "error", "shopdesk_errors": ",".join(f"{e['field']}:{e['code']}" for e in fields)}
        return Answer(303, body, _with_result(redirect, params))
    if redirect is not None:
        params = {"shopdesk_status": result["status"]}
        if "thread" in result:
            params["shopdesk_thread"] = str(result["thread"]["number"])
        return Answer(303, result, _with_result(redirect, params))
    return Answer(201, result)


def form_configuration(language_hint: str | None) -> dict[str, Any]:
    """GET /v1/form: what the widget (or a shop's own form) needs to show and send the form."""
    from shopdesk.admin.contacts import public_contacts
    from shopdesk.store.settings import load_settings

    lang = pick_language(language_hint)
    settings = load_settings()
    answer = public_contacts(lang)
    answer.update(
        {
            "allow_uploads": bool(settings.allow_uploads),
            "allowed_extensions": list(attachments.ALLOWED_EXTENSIONS),
            "max_size": attachments.MAX_SIZE,
            "form_token": antispam.issue_form_token(),
            "min_fill_seconds": config().min_fill_seconds,
            "captcha": {"provider": config().captcha_provider, "site_key": config().captcha_site_key} if antispam.captcha_enabled() else None,
            "labels": form_labels(lang),
        }
    )
    return answer


LABELS: dict[str, dict[str, str]] = {
    "title": {"en": "Contact us", "es": "Contacte con nosotros", "pl": "Kontakt"},
    "contact": {"en": "Subject heading", "es": "Asunto", "pl": "Temat"},
    "choose": {"en": "-- Choose --", "es": "-- Elija --", "pl": "-- Wybierz --"},
    "email": {"en": "E-mail address", "es": "Dirección de correo electrónico", "pl": "Adres e-mail"},
    "order_ref": {"en": "Order reference (optional)", "es": "Referencia del pedido (opcional)", "pl": "Numer zamówienia (opcjonalnie)"},
    "product": {"en": "Product (optional)", "es": "Producto (opcional)", "pl": "Produkt (opcjonalnie)"},
    "attachment": {"en": "Attach a file", "es": "Adjuntar archivo", "pl": "Załącz plik"},
    "message": {"en": "Message", "es": "Mensaje", "pl": "Wiadomość"},
    "send": {"en": "Send", "es": "Enviar", "pl": "Wyślij"},
    "sending": {"en": "Sending…", "es": "Enviando…", "pl": "Wysyłanie…"},
    "website": {"en": "Leave this field empty", "es": "Deje este campo vacío", "pl": "Zostaw to pole puste"},
}


def form_labels(lang: str) -> dict[str, str]:
    labels = {key: texts.get(lang) or texts["en"] for key, texts in LABELS.items()}
    labels["upload_failed"] = localized_message("upload_failed", lang)
    labels["too_large"] = localized_message("file_too_large", lang, limit_mb=attachments.MAX_SIZE // (1024 * 1024))
    labels["network_error"] = localized_message("internal_error", lang)
    return labels


def upload_url(data: Any) -> dict[str, Any]:
    """POST /v1/uploads: a presigned POST for one attachment, only when the shop allows uploads."""
    from shopdesk.store.settings import load_settings

    if not load_settings().allow_uploads:
        raise ValidationFailed([FieldError("attachment", "uploads_not_allowed")])
    filename = data.get("filename") if isinstance(data, dict) else None
    if not isinstance(filename, str) or not filename.strip():
        raise ValidationFailed([FieldError("attachment", "bad_file_type", {"allowed": ", ".join(attachments.ALLOWED_EXTENSIONS)})])
    try:
        return attachments.upload_form(filename)
    except attachments.AttachmentRefused as refused:
        raise ValidationFailed([FieldError("attachment", refused.code, refused.params)]) from None
