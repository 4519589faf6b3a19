"""Files that arrive by mail pass the form's type checks: a file whose name and content
are on the form's allow-list keeps its type; anything else (.html, .svg, .js, an executable, a
".pdf" that is HTML) is kept for the agents as an opaque download, stored and served as
application/octet-stream, always as an attachment, and never under the type the sender declared."""

from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import parse_qs, urlparse

import boto3
from agents_api import call
from shopdesk.admin.contacts import all_contacts
from shopdesk.core.config import config
from shopdesk.store.models import Message

from tests.in_process_aws import REGION
from tests.unit.test_mail_sync_isolation import MemoryMailbox, mailbox, sync

__all__ = ["mailbox"]

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(40)
HTML = b"<!doctype html><script>alert(document.cookie)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
EXE = b"MZ\x90\x00\x03" + bytes(60)

FILES = [  # name, declared type, content, the type it is kept with
    ("invoice.pdf", "application/pdf", PDF, "application/pdf"),
    ("photo.png", "image/png", PNG, "image/png"),
    ("notes.txt", "text/plain", b"Order 1234, two boxes.", "text/plain"),
    ("page.html", "text/html", HTML, "application/octet-stream"),
    ("logo.svg", "image/svg+xml", SVG, "application/octet-stream"),
    ("tracker.js", "text/javascript", b"alert(1)", "application/octet-stream"),
    ("setup.exe", "application/x-msdownload", EXE, "application/octet-stream"),
    ("receipt.pdf", "text/html", HTML, "application/octet-stream"),  # the name lies: the content decides
    ("photo.png.html", "image/png", HTML, "application/octet-stream"),
]


def mail_with_files() -> bytes:
    message = EmailMessage()
    message["From"] = "Ann <ann@example.com>"
    message["To"] = "support@shop.example"
    message["Subject"] = "Files"
    message["Message-ID"] = "<files@example.com>"
    message.set_content("Please see the files.")
    for name, declared, data, _ in FILES:
        maintype, subtype = declared.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def test_mailed_files_keep_an_allowed_type_or_become_opaque_downloads(mailbox: type[MemoryMailbox]) -> None:
    all_contacts()
    mailbox.mails = [mail_with_files()]
    assert sync().imported == 1
    number = call("GET", "/v1/threads")[1]["threads"][0]["number"]
    message = next(m for m in call("GET", f"/v1/threads/{number}")[1]["messages"] if m["source"] == "email")
    kept = {f["filename"]: f["content_type"] for f in message["attachments"]}
    assert kept == {name: expected for name, _, _, expected in FILES}  # every file kept, none lost

    [item] = [m for m in Message.scan() if m.source == "email"]  # a test may scan; the product never does
    s3 = boto3.client("s3", region_name=REGION)
    for index, stored in enumerate(item.attachments):
        head = s3.head_object(Bucket=config().attachments_bucket, Key=stored.key)
        assert head["ContentType"] == kept[stored.filename]  # what S3 would serve by itself
        status, link = call("GET", f"/v1/threads/{number}/attachments/{message['id']}/{index}")
        assert status == 200
        query = parse_qs(urlparse(link["url"]).query)
        assert query["response-content-disposition"][0].startswith("attachment;")
        assert query["response-content-type"][0] == kept[stored.filename]
        assert "html" not in query["response-content-type"][0] and "svg" not in query["response-content-type"][0]


def test_a_file_stored_before_the_checks_is_served_by_its_names_allowed_type_or_as_octet_stream() -> None:
    from shopdesk.store.attachments import served_type

    assert served_type("page.html") == served_type("logo.SVG") == served_type("noextension") == "application/octet-stream"
    assert served_type("Invoice.PDF") == "application/pdf" and served_type("notes.txt") == "text/plain"
    assert served_type("receipt.pdf", "text/html") == served_type("receipt.pdf", "application/octet-stream") == "application/octet-stream"
    assert served_type("receipt.pdf", "application/pdf") == "application/pdf"
