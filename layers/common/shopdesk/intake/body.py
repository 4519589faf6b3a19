"""The three body formats of a form post, read into one typed `Form`: JSON (the widget),
urlencoded and multipart/form-data (a shop's own HTML form, with its file)."""

from __future__ import annotations

from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from urllib.parse import parse_qsl

from shopdesk.core.errors import FieldError, TooLarge, UnsupportedMedia, ValidationFailed
from shopdesk.core.i18n import register
from shopdesk.core.validation import is_text, json_object
from shopdesk.store import attachments

register(
    {
        "unsupported_body": {
            "en": "Send the form as JSON, urlencoded or multipart/form-data.",
            "es": "Envíe el formulario como JSON, urlencoded o multipart/form-data.",
            "pl": "Wyślij formularz jako JSON, urlencoded lub multipart/form-data.",
        },
        "unsupported_charset": {
            "en": "Send the form's text as UTF-8.",
            "es": "Envíe el texto del formulario en UTF-8.",
            "pl": "Wyślij tekst formularza w UTF-8.",
        },
    }
)

MAX_BODY = attachments.MAX_SIZE + 1024 * 1024  # multipart: the file and the fields
MAX_TEXT_BODY = 256 * 1024  # JSON and urlencoded carry no file: a 10,000-character message, escaped, fits many times


@dataclass
class UploadedFile:
    filename: str
    data: bytes


@dataclass
class Form:
    """The posted fields as text, the one file of a multipart post, and whether it came as JSON."""

    fields: dict[str, str] = field(default_factory=dict)
    file: UploadedFile | None = None
    is_json: bool = False

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


def parse_body(content_type: str, body: bytes) -> Form:
    """JSON (the widget), urlencoded or multipart (a shop's own HTML form). Sizes and nesting are
    limited before any parser runs; what cannot be read is a 4xx, never a 5xx."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if len(body) > MAX_BODY:
        raise ValidationFailed([FieldError("attachment", "file_too_large", {"limit_mb": attachments.MAX_SIZE // (1024 * 1024)})])
    if media != "multipart/form-data" and len(body) > MAX_TEXT_BODY:
        raise TooLarge("body_too_large", limit_kb=MAX_TEXT_BODY // 1024)
    if media == "application/json" or (not media and body.lstrip().startswith((b"{", b"["))):
        data = json_object(body)  # refuses a body nested deeper than any form before parsing it
        return _checked(Form({k: v if isinstance(v, str) else ("" if v is None else str(v)) for k, v in data.items()}, is_json=True))
    if media == "application/x-www-form-urlencoded":
        return Form(dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)))
    if media == "multipart/form-data":
        return _parse_multipart(content_type, body)
    raise UnsupportedMedia("unsupported_body")


def _checked(form: Form) -> Form:
    """Every field must be storable text (a JSON `\\ud800` is not): a field error per bad field."""
    bad = [name for name, value in form.fields.items() if not is_text(value) or not is_text(name)]
    if bad:
        raise ValidationFailed([FieldError(name if is_text(name) else "form", "invalid_text") for name in bad])
    return form


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
        try:
            form.fields[str(name)] = data.decode(charset, "replace")
        except LookupError:
            raise UnsupportedMedia("unsupported_charset") from None  # a charset Python does not know
    return form
