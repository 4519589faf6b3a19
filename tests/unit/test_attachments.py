"""attachments.py: files are kept private, promoted from uploads only when their content passes, downloaded as
attachments. (The checks of name, content and size themselves are pure: tests/unit/pure/test_attachment_checks.py.)"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from shopdesk.store import attachments
from shopdesk.store.attachments import AttachmentRefused

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def test_downloads_are_presigned_and_forced_to_be_attachments(aws: Any) -> None:
    stored = attachments.store_checked(PDF, "Zamówienie 12.pdf")
    query = parse_qs(urlsplit(attachments.download_url(stored.key, stored.filename)).query)
    assert query["response-content-disposition"][0].startswith('attachment; filename="Zamowienie_12.pdf"')
    assert "X-Amz-Signature" in query and int(query["X-Amz-Expires"][0]) <= 300


def test_an_upload_is_promoted_only_when_its_content_passes(aws: Any) -> None:
    form = attachments.upload_form("report.pdf")
    assert form["upload_key"].startswith("uploads/")
    answer = requests.post(form["url"], data=form["fields"], files={"file": ("report.pdf", PDF)}, timeout=10)
    assert answer.status_code in (200, 204)
    stored = attachments.accept_upload(form["upload_key"], "report.pdf")
    s3 = boto3.client("s3", region_name="eu-west-1")
    assert s3.get_object(Bucket="shopdesk-attachments", Key=stored.key)["Body"].read() == PDF
    with pytest.raises(AttachmentRefused):
        attachments.accept_upload(form["upload_key"], "report.pdf")  # already promoted: gone from uploads/

    bad = attachments.upload_form("evil.pdf")
    s3.put_object(Bucket="shopdesk-attachments", Key=bad["upload_key"], Body=EXECUTABLE)
    with pytest.raises(AttachmentRefused) as refused:
        attachments.accept_upload(bad["upload_key"], "evil.pdf")
    assert refused.value.code == "bad_file_type"


def test_deleting_files_removes_the_objects(aws: Any) -> None:
    stored = [attachments.store_checked(PDF, f"{n}.pdf") for n in range(3)]
    assert attachments.delete_files(s.key for s in stored) == 3
    listed = boto3.client("s3", region_name="eu-west-1").list_objects_v2(Bucket="shopdesk-attachments", Prefix="attachments/")
    assert listed.get("KeyCount", 0) == 0
