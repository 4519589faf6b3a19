"""What the widget (or a shop's own form) needs before the visitor types: the contacts, the upload
rules, a fresh form token, the CAPTCHA and the labels in the page's language; and the presigned
POST of an attachment."""

from __future__ import annotations

from typing import Any

from shopdesk.core.config import config
from shopdesk.core.errors import FieldError, ValidationFailed
from shopdesk.core.i18n import localized, pick_language
from shopdesk.core.i18n import message as localized_message
from shopdesk.intake import antispam
from shopdesk.intake.requests import UploadRequest
from shopdesk.intake.upload_limits import check_upload_limits
from shopdesk.store import attachments
from shopdesk.store.contacts import all_contacts
from shopdesk.store.settings import abuse_limits, load_settings

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


def public_contacts(lang: str | None) -> dict[str, Any]:
    """What a storefront form shows: names and descriptions in one language, never addresses."""
    language = pick_language(lang)
    return {
        "language": language,
        "contacts": [
            {
                "id": contact.contact_id,
                "name": localized(contact.names.as_dict(), language),
                "description": localized(contact.descriptions.as_dict(), language),
            }
            for contact in all_contacts()
        ],
    }


def form_configuration(language_hint: str | None) -> dict[str, Any]:
    """GET /v1/form: what the widget (or a shop's own form) needs to show and send the form."""
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
            "captcha": {"provider": config().captcha_provider, "site_key": config().captcha_site_key}
            if antispam.captcha_enabled()
            else None,
            "labels": form_labels(lang),
        }
    )
    return answer


def upload_url(request: UploadRequest, ip: str | None = None) -> dict[str, Any]:
    """POST /v1/uploads: a presigned POST for one attachment, only when the shop allows uploads,
    and only so many per visitor's network and per form (`upload_limits`)."""
    settings = load_settings()
    if not settings.allow_uploads:
        raise ValidationFailed([FieldError("attachment", "uploads_not_allowed")])
    if not request.filename.strip():
        raise ValidationFailed([FieldError("attachment", "bad_file_type", {"allowed": ", ".join(attachments.ALLOWED_EXTENSIONS)})])
    check_upload_limits(ip, request.form_token, limits=abuse_limits(settings))
    try:
        return attachments.upload_form(request.filename)
    except attachments.AttachmentRefused as refused:
        raise ValidationFailed([FieldError("attachment", refused.code, refused.params)]) from None
