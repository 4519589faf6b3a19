"""SES receiving: what one mail costs on the SES path beside the IMAP sync, on the local stack.

- DynamoDB requests per mail on the SES path beside the IMAP sync's (target: the same), moto
  in-process.
- Time from the local SMTP port (`make run`'s, playing SES: S3 put + asynchronous invoke) accepting
  a mail to its thread holding the message (polled through the agents' API), median of several
  mails, as a ratio to the floor: the bare S3 put of the same mail plus a synchronous invoke of the
  inbound function with nothing in it. Prints counts and ratios; asserts nothing (shared machine).
"""

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


MAILS = 7
POLL_SECONDS = 0.01


def smtp_to_thread() -> tuple[list[float], list[float], list[float]]:
    """Seconds from the SMTP port's 250 back to the thread holding the mail, for each of MAILS mails;
    the floor's seconds (S3 put + a bare invoke) for as many; and one poll's (the search) alone."""
    import json
    import smtplib
    import tempfile
    import time

    import boto3
    import requests

    from local.smtp_inbound import PREFIX, SES_INBOUND_FUNCTION
    from tests.integration.conftest import running_stack, sign_in

    with tempfile.TemporaryDirectory() as tmp, running_stack(Path(tmp), lambda d: (d / "stack.json").exists(), 90) as stack:
        headers = {"Authorization": f"Bearer {sign_in(stack, 'admin')}"}
        keys = {"region_name": stack["resources"]["region"], "aws_access_key_id": "local", "aws_secret_access_key": "local"}
        s3 = boto3.client("s3", endpoint_url=stack["aws_endpoint"], **keys)
        lambda_ = boto3.client("lambda", endpoint_url=stack["url"].rstrip("/"), **keys)
        bucket = stack["resources"]["attachments_bucket"]

        def holds(email: str) -> bool:
            answer = requests.get(f"{stack['agents_api']}/v1/threads", params={"q": email}, headers=headers, timeout=10)
            return bool(answer.json().get("threads"))

        holds("warm-up@example.com")
        took: list[float] = []
        for n in range(MAILS + 1):  # the first mail warms the function up and is not counted
            email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
            with smtplib.SMTP(stack["smtp"]["host"], stack["smtp"]["port"], timeout=10) as smtp:
                started = time.perf_counter()
                smtp.send_message(_mail(email))
                deadline = started + 30
                while not holds(email):
                    if time.perf_counter() > deadline:
                        raise RuntimeError("the mail did not reach its thread in 30 s")
                    time.sleep(POLL_SECONDS)
                if n:
                    took.append(time.perf_counter() - started)
        floor: list[float] = []
        for n in range(MAILS + 1):
            raw = _mail(f"floor-{n}@example.com").as_bytes()
            started = time.perf_counter()
            s3.put_object(Bucket=bucket, Key=f"{PREFIX}floor-{n}", Body=raw)
            lambda_.invoke(FunctionName=SES_INBOUND_FUNCTION, Payload=json.dumps({"Records": []}).encode())
            if n:
                floor.append(time.perf_counter() - started)
        polls = []
        for _ in range(MAILS):
            started = time.perf_counter()
            holds("nobody@example.com")
            polls.append(time.perf_counter() - started)
        return took, floor, polls


def main() -> None:
    import statistics

    ses, imap = requests_per_mail()
    print(f"DynamoDB requests per mail: SES {len(ses)} ({', '.join(ses)}); IMAP batch of one {len(imap)} ({', '.join(imap)})")
    print("  (the IMAP run reads the contacts once per run, not per mail; per mail both are the batch reads + number + transaction)")
    took, floor, polls = smtp_to_thread()
    median, bare, poll = statistics.median(took), statistics.median(floor), statistics.median(polls)
    print(f"SMTP accepted → thread holds the message: median {median * 1000:.0f} ms over {len(took)} mails (polled by the agents' search, one poll {poll * 1000:.0f} ms)")
    print(f"  floor (S3 put + a bare invoke): median {bare * 1000:.0f} ms; ratio {median / bare:.1f}x (the SMTP exchange, the inbound function's pipeline, the polls)")


if __name__ == "__main__":
    main()
