"""`make run`'s SMTP port, playing SES receiving: a mail accepted here is stored in
moto's S3 under the receipt rule's prefix (`inbound-mail/<id>`), then the inbound function is
invoked asynchronously with an SES receipt event through Lambda's Invoke API (which the local
gateway answers) — the same two steps SES's S3 and Lambda actions take. Send mail to the desk
with any mail client: `swaks --server 127.0.0.1:<port> --to support@shop.example`."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import boto3
from aiosmtpd.controller import Controller

SES_INBOUND_FUNCTION = "shopdesk-ses-inbound"
PREFIX = "inbound-mail/"


def ses_event(message_id: str, sender: str, recipients: list[str], spam: str = "PASS", virus: str = "PASS") -> dict[str, Any]:
    """The event SES's Lambda action sends (one record per mail)."""
    verdict = {"status": "PASS"}
    return {
        "Records": [
            {
                "eventSource": "aws:ses",
                "eventVersion": "1.0",
                "ses": {
                    "mail": {"timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()), "source": sender, "messageId": message_id, "destination": recipients},
                    "receipt": {
                        "recipients": recipients,
                        "spamVerdict": {"status": spam},
                        "virusVerdict": {"status": virus},
                        "spfVerdict": verdict,
                        "dkimVerdict": verdict,
                        "dmarcVerdict": verdict,
                        "action": {"type": "Lambda", "functionArn": f"arn:aws:lambda:local:000000000000:function:{SES_INBOUND_FUNCTION}", "invocationType": "Event"},
                    },
                },
            }
        ]
    }


class SesReceiving:
    """aiosmtpd's handler: S3 put, then the asynchronous invoke, then 250."""

    def __init__(self, bucket: str, aws_endpoint: str, lambda_endpoint: str, region: str) -> None:
        self.bucket = bucket
        self.s3 = boto3.client("s3", endpoint_url=aws_endpoint, region_name=region)
        self.lambda_ = boto3.client("lambda", endpoint_url=lambda_endpoint, region_name=region)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message_id = uuid.uuid4().hex
        raw = envelope.original_content or envelope.content
        self.s3.put_object(Bucket=self.bucket, Key=PREFIX + message_id, Body=raw)
        event = ses_event(message_id, envelope.mail_from or "", list(envelope.rcpt_tos or []))
        self.lambda_.invoke(FunctionName=SES_INBOUND_FUNCTION, InvocationType="Event", Payload=json.dumps(event).encode())
        return f"250 OK {message_id}"


def start(host: str, port: int, bucket: str, aws_endpoint: str, lambda_endpoint: str, region: str) -> Controller:
    controller = Controller(SesReceiving(bucket, aws_endpoint, lambda_endpoint, region), hostname=host, port=port)
    controller.start()
    return controller
