"""SES receiving: the receipt rule stored the raw mail in the private bucket and invokes
the inbound function with the SES event; the same pipeline as the IMAP sync, exactly once."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from shopdesk.store import mail_sync
from shopdesk.store.models import InboundRecord, Message

from tests.in_process_aws import REGION, count_dynamodb_requests
from tests.unit.test_mail_sync_isolation import customer_mail

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "functions" / "ses_inbound"))
import ses_inbound_app  # noqa: E402


def received(ses_id: str, raw: bytes, spam: str = "PASS", virus: str = "PASS") -> dict[str, Any]:
    """What SES does: the raw mail under the rule's prefix, then the Lambda action's event."""
    boto3.client("s3", region_name=REGION).put_object(Bucket="shopdesk-attachments", Key=f"inbound-mail/{ses_id}", Body=raw)
    verdict = {"status": "PASS"}
    return {
        "Records": [
            {
                "eventSource": "aws:ses",
                "eventVersion": "1.0",
                "ses": {
                    "mail": {"messageId": ses_id, "source": "ann@example.com", "destination": ["support@shop.example"]},
                    "receipt": {
                        "recipients": ["support@shop.example"],
                        "spamVerdict": {"status": spam},
                        "virusVerdict": {"status": virus},
                        "spfVerdict": verdict,
                        "dkimVerdict": verdict,
                        "dmarcVerdict": verdict,
                        "action": {"type": "Lambda", "invocationType": "Event"},
                    },
                },
            }
        ]
    }


def stored(mail_id: str) -> list[Message]:
    return list(Message.scan(Message.mail_message_id == mail_id))  # a test may scan; the product never does


def test_a_received_mail_lands_in_a_new_thread_with_its_original_kept(aws: Any) -> None:
    answer = ses_inbound_app.handler(received("ses-1", customer_mail("<r1@example.com>", body="Is it in stock?")), None)

    assert answer == {"outcomes": {"ses-1": "imported"}}
    [message] = stored("r1@example.com")
    assert message.text.startswith("Is it in stock?") and message.source == "email"


def test_exactly_once_when_ses_invokes_twice(aws: Any) -> None:
    event = received("ses-2", customer_mail("<r2@example.com>"))

    first, second = ses_inbound_app.handler(event, None), ses_inbound_app.handler(event, None)

    assert (first["outcomes"]["ses-2"], second["outcomes"]["ses-2"]) == ("imported", "duplicate")
    assert len(stored("r2@example.com")) == 1


def test_the_same_mail_by_ses_and_by_imap_is_imported_once(aws: Any) -> None:
    raw = customer_mail("<r3@example.com>")
    ses_inbound_app.handler(received("ses-3a", raw), None)

    assert ses_inbound_app.handler(received("ses-3b", raw), None)["outcomes"]["ses-3b"] == "duplicate"
    assert len(stored("r3@example.com")) == 1


@pytest.mark.parametrize(("spam", "virus", "named"), [("FAIL", "PASS", "spam FAIL"), ("PASS", "FAIL", "virus FAIL")])
def test_a_failed_spam_or_virus_verdict_is_set_aside_with_the_verdict_not_imported(aws: Any, spam: str, virus: str, named: str) -> None:
    event = received("ses-4", customer_mail("<r4@example.com>", subject="Cheap pills"), spam=spam, virus=virus)

    assert ses_inbound_app.handler(event, None)["outcomes"]["ses-4"] == "set_aside"
    assert ses_inbound_app.handler(event, None)["outcomes"]["ses-4"] == "duplicate"  # listed once

    assert stored("r4@example.com") == []
    [failure] = mail_sync.failures()
    assert (failure.mailbox_id, failure.raw_key, failure.subject) == ("ses", "inbound-mail/ses-4", "Cheap pills")
    assert named in failure.error
    record = InboundRecord.get(*InboundRecord.key("r4@example.com"))
    assert record.outcome == "failed" and named in (record.reason or "")


def test_a_mail_ses_judged_spam_is_in_the_mail_log_with_its_verdict_and_an_admin_can_import_it(aws: Any) -> None:
    from agents_api import ADMIN, AGENT, call

    ses_inbound_app.handler(received("ses-6", customer_mail("<r6@example.com>", subject="Not spam at all"), spam="FAIL"), None)

    [entry] = call("GET", "/v1/mail-log", AGENT, query="outcome=failed")[1]["entries"]
    assert (entry["sender"], entry["subject"], entry["set_aside"]) == ("ann@example.com", "Not spam at all", "ses.ses-6")
    assert "spam FAIL" in entry["error"]
    assert call("POST", "/v1/mail-log/set-aside/ses.ses-6", AGENT, body={})[0] == 403

    status, imported = call("POST", "/v1/mail-log/set-aside/ses.ses-6", ADMIN, body={})  # SES misjudged it

    assert (status, imported["outcome"], imported["set_aside"]) == (200, "imported", None)
    assert imported["thread_number"] and len(stored("r6@example.com")) == 1
    assert mail_sync.failures() == []
    assert call("POST", "/v1/mail-log/set-aside/ses.ses-6", ADMIN, body={})[1]["error"]["code"] == "mail_not_set_aside"
    assert call("POST", "/v1/mail-log/set-aside/ses.a%2Fb", ADMIN, body={})[0] == 404


def test_an_unreadable_mail_is_kept_and_listed(aws: Any) -> None:
    assert ses_inbound_app.handler(received("ses-5", b"\x00\xff not a mail at all"), None)["outcomes"]["ses-5"] in ("set_aside", "skipped")
    assert len(mail_sync.failures()) + len(list(InboundRecord.scan())) >= 1


def test_a_received_mail_costs_the_same_dynamodb_requests_as_one_mail_of_the_imap_sync(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from shopdesk.admin.contacts import all_contacts

    all_contacts()  # the contacts exist, as on any shop past its first page load
    seen = count_dynamodb_requests(monkeypatch)
    ses_inbound_app.handler(received("ses-6", customer_mail("<r6@example.com>")), None)

    # contacts (Query); the batch's reads (records, blocked senders, claims: BatchGet ×3 at most);
    # the thread number (UpdateItem); the message with its record (TransactWriteItems)
    print("SES path DynamoDB requests per mail:", seen)
    assert len(seen) <= 6, seen
