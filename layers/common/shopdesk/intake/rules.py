"""The form's field rules (SPEC §3), checked all at once; the items they need (settings, contact,
open-thread claim or linked thread, recent post, blocked senders, the contact's dashboard box)
come from ONE batched read."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from shopdesk.core.errors import FieldError, ValidationFailed
from shopdesk.core.i18n import register
from shopdesk.core.validation import is_valid_email
from shopdesk.intake.body import Form
from shopdesk.intake.requests import SignedIdentity
from shopdesk.store import attachments, intake_data, threads
from shopdesk.store.blocked_senders import any_blocked, blocked_keys
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
    }
)

MESSAGE_LIMIT = 10_000
ORDER_REF_LIMIT = 64
PRODUCT_LIMIT = 255
CONTACT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def single_line(value: str, limit: int) -> str:
    """Order references and product names go into mails: no control characters, no line breaks."""
    flat = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in value)
    return " ".join(flat.split())[:limit]


def message_text(value: str) -> str:
    """The visitor's text as written: line breaks kept (as \\n), other control characters dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


def digest(email: str, contact_id: str, order_ref: str | None, thread: str, text: str) -> str:
    """Who wrote what where: two posts with the same digest are the same message."""
    basis = "\x1f".join([email.lower(), contact_id, order_ref or "", thread, " ".join(text.split())])
    return hashlib.sha256(basis.encode()).hexdigest()[:40]


@dataclass
class Checked:
    """A post that passed the field rules, and what the batched read found for it."""

    contact: Contact
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
    blocked: bool


def _file_errors(form: Form, settings: ShopSettings) -> list[FieldError]:
    has_file = form.file is not None or bool(form.get("upload_key"))
    if has_file and not settings.allow_uploads:
        return [FieldError("attachment", "uploads_not_allowed")]
    if form.file is not None:
        try:
            attachments.check_file(attachments.display_name(form.file.filename), form.file.data, len(form.file.data))
        except attachments.AttachmentRefused as refused:
            return [FieldError("attachment", refused.code, refused.params)]
    elif form.get("upload_key"):
        name = attachments.display_name(form.get("filename"))
        if attachments.extension(name) not in attachments.CONTENT_TYPES:
            return [FieldError("attachment", "bad_file_type", {"allowed": ", ".join(attachments.ALLOWED_EXTENSIONS)})]
    return []


def check(form: Form, lang: str, identity: SignedIdentity | None) -> Checked:
    """Every field rule at once (SPEC §3); raises ValidationFailed with all the field errors."""
    email = (identity.email if identity else form.get("email")).strip()
    contact_id = form.get("contact_id").strip()
    text = message_text(form.get("message"))
    order_ref = single_line(form.get("order_ref"), ORDER_REF_LIMIT) or None
    product = single_line(form.get("product"), PRODUCT_LIMIT) or None
    thread_link = form.get("thread").strip().lstrip("#")
    email_ok = is_valid_email(email)
    contact_id_ok = bool(CONTACT_ID.fullmatch(contact_id))

    post_digest = digest(email, contact_id, order_ref, thread_link, text)
    keys = [ShopSettings.key(), RecentPost.key(post_digest)]
    if contact_id_ok:
        keys += [Contact.key(contact_id), Stats.contact_key(contact_id)]
    if email_ok:
        keys += blocked_keys(email)
        if contact_id_ok:
            keys.append(OpenThreadClaim.key(email, contact_id, order_ref))
    if thread_link.isdigit() and len(thread_link) <= 12:
        keys.append(Thread.key(int(thread_link)))
    found = intake_data.read_items(keys)
    by_kind: dict[type, ShopdeskItem] = {type(item): item for item in found}
    settings = by_kind.get(ShopSettings) or ShopSettings(*ShopSettings.key())
    assert isinstance(settings, ShopSettings)
    contact = by_kind.get(Contact)
    linked = by_kind.get(Thread)
    if isinstance(linked, Thread) and not threads.token_matches(linked, form.get("token")):
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
    errors += _file_errors(form, settings)
    if errors:
        raise ValidationFailed(errors)
    assert isinstance(contact, Contact)
    claim, box, recent = by_kind.get(OpenThreadClaim), by_kind.get(Stats), by_kind.get(RecentPost)
    return Checked(
        contact=contact,
        email=email.lower(),
        text=text,
        language=lang,
        order_ref=order_ref,
        product=product,
        settings=settings,
        claim=claim if isinstance(claim, OpenThreadClaim) else None,
        box=box if isinstance(box, Stats) else None,
        linked=linked if isinstance(linked, Thread) else None,
        recent=recent if isinstance(recent, RecentPost) else None,
        digest=post_digest,
        blocked=any_blocked(found),
    )
