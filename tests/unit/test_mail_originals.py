"""A message that came by mail can be downloaded as it arrived ("download original") and, when the
thread keeps only the start of a very long text, as a whole text: each a short-lived link that
always downloads. Through the agents' handler over in-process moto."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
from agents_api import call, customer_writes
from shopdesk.admin.contacts import all_contacts

from tests.in_process_aws import REGION, count_dynamodb_requests
from tests.unit.test_mail_sync_isolation import LONG_ANSWER, MemoryMailbox, customer_mail, mailbox, sync

__all__ = ["mailbox"]


def mail_message(number: int) -> dict[str, Any]:
    status, body = call("GET", f"/v1/threads/{number}")
    assert status == 200, body
    return next(m for m in body["messages"] if m["source"] == "email")


def fetched(link: str) -> tuple[bytes, str]:
    """What the presigned link serves, and the Content-Disposition it forces."""
    parts = urlparse(link)
    disposition = parse_qs(parts.query)["response-content-disposition"][0]
    s3 = boto3.client("s3", region_name=REGION)
    bucket = parts.path.strip("/").split("/")[0] if parts.netloc.startswith("s3.") or ":" in parts.netloc else parts.netloc.split(".")[0]
    key = parts.path.strip("/").removeprefix(bucket + "/") if not parts.netloc.startswith(bucket) else parts.path.lstrip("/")
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read(), disposition


def test_a_mailed_message_downloads_its_original_as_an_attachment(mailbox: type[MemoryMailbox], monkeypatch: pytest.MonkeyPatch) -> None:
    all_contacts()
    raw = customer_mail("<parcel@example.com>", "Where is my parcel?\n\nOn Monday, Shop <support@shop.example> wrote:\n> It ships today.")
    mailbox.mails = [raw]
    sync()
    number = call("GET", "/v1/threads")[1]["threads"][0]["number"]
    message = mail_message(number)
    assert (message["has_original"], message["text_cut"]) == (True, False)

    requests = count_dynamodb_requests(monkeypatch)
    status, link = call("GET", f"/v1/threads/{number}/messages/{message['id']}/original")

    assert requests == ["Query"]  # the message, found in its thread's partition; the link needs no request
    assert status == 200 and link["expires_in"] <= 900 and link["filename"].endswith(".eml")
    body, disposition = fetched(link["url"])
    assert body == raw and disposition.startswith("attachment;")
    assert call("GET", f"/v1/threads/{number}/messages/{message['id']}/whole-text")[0] == 404  # nothing was cut


def test_a_cut_text_downloads_whole(mailbox: type[MemoryMailbox]) -> None:
    all_contacts()
    mailbox.mails = [customer_mail("<long@example.com>", LONG_ANSWER)]
    sync()
    number = call("GET", "/v1/threads")[1]["threads"][0]["number"]
    message = mail_message(number)
    assert (message["has_original"], message["text_cut"]) == (True, True)

    status, link = call("GET", f"/v1/threads/{number}/messages/{message['id']}/whole-text")

    assert status == 200 and link["filename"].endswith(".txt")
    body, disposition = fetched(link["url"])
    assert body.decode("utf-8") == LONG_ANSWER.strip("\n") and disposition.startswith("attachment;")


def test_a_form_message_has_no_original_and_an_unknown_part_is_not_found(aws: Any) -> None:
    all_contacts()
    number = customer_writes(email="ann@example.com").thread.number
    status, body = call("GET", f"/v1/threads/{number}")
    [message] = body["messages"]
    assert (message["has_original"], message["text_cut"]) == (False, False)
    assert call("GET", f"/v1/threads/{number}/messages/{message['id']}/original")[0] == 404
    assert call("GET", f"/v1/threads/{number}/messages/{message['id']}/headers")[0] == 404
    assert call("GET", f"/v1/threads/{number}/messages/{message['id']}/original", None)[0] == 401


def test_a_winmail_dat_and_a_uuencoded_block_arrive_as_the_files_they_hold(mailbox: type[MemoryMailbox]) -> None:
    from tests.unit.pure.test_mail_legacy_files import PDF, mail_with_text, outlook_mail, uuencode, winmail

    all_contacts()
    mailbox.mails = [
        outlook_mail(winmail("Anbei die Rechnung.", {"Rechnung.pdf": PDF})),
        mail_with_text(f"Photo below.\n{uuencode(b'GIF89a' + bytes(100), 'parcel.gif')}"),
    ]
    result = sync()
    assert (result.imported, result.failed) == (2, 0)
    threads = call("GET", "/v1/threads")[1]["threads"]
    seen = {}
    for summary in threads:
        message = mail_message(summary["number"])
        seen[message["text"]] = [f["filename"] for f in message["attachments"]]
    assert seen == {"Anbei die Rechnung.": ["Rechnung.pdf"], "Photo below.": ["parcel.gif"]}
