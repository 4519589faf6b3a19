"""Files in the private attachments bucket: what may be stored, where, and how it is handed out.

Every file of a thread (a visitor's upload, an agent's reply attachment, a part of an imported
mail) goes through here, so the allowed types, the size limit, the key layout and the presigned
URLs are decided once:

- `uploads/<id>`: a browser's presigned POST, not yet part of a message; the bucket's lifecycle
  rule removes it after a day unless `accept_upload` promotes it.
- `attachments/<id>`: a file that belongs to a message; deleted with its thread.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from shopdesk.core.aws import client
from shopdesk.core.config import config
from shopdesk.core.errors import Unprocessable
from shopdesk.core.i18n import register

register(
    {
        "bad_file_type": {
            "en": "This type of file is not allowed. Allowed: {allowed}.",
            "es": "Este tipo de archivo no está permitido. Permitidos: {allowed}.",
            "pl": "Ten typ pliku jest niedozwolony. Dozwolone: {allowed}.",
        },
        "file_too_large": {
            "en": "The file is too large (at most {limit_mb} MB).",
            "es": "El archivo es demasiado grande (como máximo {limit_mb} MB).",
            "pl": "Plik jest za duży (najwyżej {limit_mb} MB).",
        },
        "upload_failed": {
            "en": "The file could not be uploaded. Please try again.",
            "es": "No se ha podido subir el archivo. Inténtelo de nuevo.",
            "pl": "Nie udało się przesłać pliku. Spróbuj ponownie.",
        },
    }
)

MAX_SIZE = 10 * 1024 * 1024
UPLOAD_PREFIX = "uploads/"
STORED_PREFIX = "attachments/"
UPLOAD_URL_SECONDS = 600
DOWNLOAD_URL_SECONDS = 300
SNIFF_BYTES = 2048

# PrestaShop's list. The content decides, the name must agree: a ".pdf" that is an executable is refused.
CONTENT_TYPES = {
    "txt": "text/plain",
    "rtf": "application/rtf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "zip": "application/zip",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}
ALLOWED_EXTENSIONS = tuple(CONTENT_TYPES)


class AttachmentRefused(Unprocessable):
    """A file refused for its type or size."""


@dataclass(frozen=True)
class StoredFile:
    key: str
    filename: str
    content_type: str
    size: int

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "filename": self.filename, "content_type": self.content_type, "size": self.size}


def extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def _looks_like(ext: str, head: bytes) -> bool:
    """Magic numbers of the allowed types; text must be text (no NUL, valid UTF-8 or Latin-1 prose)."""
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == "gif":
        return head.startswith((b"GIF87a", b"GIF89a"))
    if ext == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if ext in ("zip", "docx"):
        return head.startswith((b"PK\x03\x04", b"PK\x05\x06"))
    if ext == "doc":
        return head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    if ext == "rtf":
        return head.startswith(b"{\\rtf")
    if ext == "txt":
        return b"\x00" not in head and not head.startswith((b"MZ", b"\x7fELF", b"%PDF-", b"PK\x03\x04"))
    return False


def check_file(filename: str, head: bytes, size: int) -> str:
    """The content type to store the file with; refuses a type not allowed by name or by content, or too large."""
    ext = extension(filename)
    if ext not in CONTENT_TYPES or not _looks_like(ext, head[:SNIFF_BYTES]):
        raise AttachmentRefused("bad_file_type", allowed=", ".join(ALLOWED_EXTENSIONS))
    if size > MAX_SIZE:
        raise AttachmentRefused("file_too_large", limit_mb=MAX_SIZE // (1024 * 1024))
    return CONTENT_TYPES[ext]


UNCHECKED_TYPE = "application/octet-stream"


def mail_file_type(filename: str, data: bytes) -> str:
    """The type an imported mail's file is stored with: the form's allowed type when its name and
    content agree (the same check as the form's), else `application/octet-stream`. Such a file is
    kept (nothing a customer sends is lost) but only ever as an opaque download; the sender's
    declared type is never used, so an `.html`, `.svg` or `.js` is never served as itself."""
    ext = extension(display_name(filename))
    if ext in CONTENT_TYPES and _looks_like(ext, data[:SNIFF_BYTES]):
        return CONTENT_TYPES[ext]
    return UNCHECKED_TYPE


def served_type(filename: str, stored: str | None = None) -> str:
    """What a download link makes S3 answer as Content-Type: the allowed type of the name's
    extension when the type it was stored with (if known) agrees, else `application/octet-stream`
    (a file stored before the checks, or kept as an opaque download, by any name)."""
    named = CONTENT_TYPES.get(extension(filename), UNCHECKED_TYPE)
    return named if stored is None or stored.split(";")[0].strip().lower() == named else UNCHECKED_TYPE


def display_name(filename: str | None) -> str:
    """The original name for display and download: no path, no control characters, bounded."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C").strip()
    return name[:200] or "attachment"


def _ascii_name(filename: str) -> str:
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "_", plain).strip("._") or "attachment"


def store_bytes(data: bytes, filename: str, content_type: str) -> StoredFile:
    """Puts a file that belongs to a message (an imported mail's part, a form's inline upload)."""
    key = f"{STORED_PREFIX}{uuid.uuid4().hex}"
    client("s3").put_object(Bucket=config().attachments_bucket, Key=key, Body=data, ContentType=content_type)
    return StoredFile(key, display_name(filename), content_type, len(data))


def store_checked(data: bytes, filename: str) -> StoredFile:
    """A visitor's or an agent's file: checked by name and content, then stored."""
    content_type = check_file(filename, data, len(data))
    return store_bytes(data, filename, content_type)


def upload_form(filename: str) -> dict[str, Any]:
    """A presigned POST for one file: its key fixed, its size bounded; `accept_upload` checks the content."""
    name = display_name(filename)
    ext = extension(name)
    if ext not in CONTENT_TYPES:
        raise AttachmentRefused("bad_file_type", allowed=", ".join(ALLOWED_EXTENSIONS))
    key = f"{UPLOAD_PREFIX}{uuid.uuid4().hex}"
    post = client("s3").generate_presigned_post(
        Bucket=config().attachments_bucket,
        Key=key,
        Fields={"Content-Type": CONTENT_TYPES[ext]},
        Conditions=[{"Content-Type": CONTENT_TYPES[ext]}, ["content-length-range", 1, MAX_SIZE]],
        ExpiresIn=UPLOAD_URL_SECONDS,
    )
    return {"url": post["url"], "fields": post["fields"], "upload_key": key, "filename": name, "max_size": MAX_SIZE}


def accept_upload(upload_key: str, filename: str) -> StoredFile:
    """Promotes a browser's upload to a message's attachment once its content and size pass."""
    if not re.fullmatch(re.escape(UPLOAD_PREFIX) + r"[0-9a-f]{32}", upload_key or ""):
        raise AttachmentRefused("upload_failed")
    s3 = client("s3")
    bucket = config().attachments_bucket
    try:
        head = s3.get_object(Bucket=bucket, Key=upload_key, Range=f"bytes=0-{SNIFF_BYTES - 1}")
    except s3.exceptions.NoSuchKey:
        raise AttachmentRefused("upload_failed") from None
    except Exception as error:  # botocore's ClientError for a missing key on a ranged GET
        if "NoSuchKey" in str(error) or "404" in str(error):
            raise AttachmentRefused("upload_failed") from None
        raise
    size = int(head["ContentRange"].rsplit("/", 1)[-1]) if head.get("ContentRange") else int(head["ContentLength"])
    name = display_name(filename)
    content_type = check_file(name, head["Body"].read(), size)
    key = f"{STORED_PREFIX}{upload_key.removeprefix(UPLOAD_PREFIX)}"
    s3.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": upload_key}, ContentType=content_type, MetadataDirective="REPLACE")
    s3.delete_object(Bucket=bucket, Key=upload_key)
    return StoredFile(key, name, content_type, size)


def download_url(key: str, filename: str, expires_in: int = DOWNLOAD_URL_SECONDS, content_type: str | None = None) -> str:
    """A short-lived link that always downloads (never renders inline) under the original name,
    served with the type its name is allowed (`served_type`), never the type it was stored with."""
    ascii_name = _ascii_name(filename)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    params = {"Bucket": config().attachments_bucket, "Key": key, "ResponseContentDisposition": disposition, "ResponseContentType": served_type(filename, content_type)}
    return client("s3").generate_presigned_url(
        "get_object",
        Params=params,
        ExpiresIn=expires_in,
    )


def delete_files(keys: Iterable[str]) -> int:
    """Deletes a thread's files, a thousand per request; returns how many were asked for."""
    keys = [key for key in keys if key]
    s3 = client("s3")
    for start in range(0, len(keys), 1000):
        batch = keys[start : start + 1000]
        s3.delete_objects(Bucket=config().attachments_bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True})
    return len(keys)


def read_file(key: str) -> bytes:
    """A stored file's bytes (a forward-only contact's mail carries the upload itself)."""
    return client("s3").get_object(Bucket=config().attachments_bucket, Key=key)["Body"].read()
