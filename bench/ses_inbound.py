"""SES receiving (issue 15): DynamoDB requests per mail on the SES path beside the IMAP sync's
(target: the same). Prints counts; asserts nothing. (Not yet here: the time from the local SMTP
port accepting a mail to its thread holding it, as a ratio to the bare S3 put + invoke floor.)"""

from __future__ import annotations

import sys
import uuid
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for folder in ("layers/common", "."):
    if str(ROOT / folder) not in sys.path:
        sys.path.insert(0, str(ROOT / folder))


def _mail(email: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Bench <{email}>"
    message["To"] = "support@shop.example"
    message["Subject"] = "Bench question"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@bench.example>"
    message.set_content("Where is my parcel?")
    return message


def requests_per_mail() -> tuple[list[str], list[str]]:
    """The DynamoDB requests of one mail by SES and of one mail in an IMAP batch of one (moto in-process)."""
    import boto3
    import pytest
    from shopdesk.admin.contacts import all_contacts
    from shopdesk.mail import importer, parse, ses_inbound
    from shopdesk.store import threads

    from tests.in_process_aws import count_dynamodb_requests, in_process_aws

    with pytest.MonkeyPatch.context() as monkeypatch, in_process_aws(monkeypatch):
        all_contacts()
        seen = count_dynamodb_requests(monkeypatch)
        raw = _mail("ses@example.com").as_bytes()
        boto3.client("s3").put_object(Bucket="shopdesk-attachments", Key="inbound-mail/bench-1", Body=raw)
        ses_inbound.receive(ses_inbound.Received("bench-1", "inbound-mail/bench-1"), all_contacts)
        ses = list(seen)
        seen.clear()
        mail = parse.parse(_mail("imap@example.com").as_bytes())
        contacts = all_contacts()  # the sync reads the contacts once per run, as here
        context = importer.prepare_batch([mail], contacts, True)
        wanted = importer.new_threads_expected([mail], context)
        if wanted:
            context.reserved_numbers = threads.reserve_thread_numbers(wanted)
        importer.store(mail, context, raw)
        return ses, list(seen)


def main() -> None:
    ses, imap = requests_per_mail()
    print(f"DynamoDB requests per mail: SES {len(ses)} ({', '.join(ses)}); IMAP batch of one {len(imap)} ({', '.join(imap)})")
    print("  (the IMAP run reads the contacts once per run, not per mail; per mail both are the batch reads + number + transaction)")


if __name__ == "__main__":
    main()
