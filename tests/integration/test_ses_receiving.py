"""SES receiving, played by the local stack's SMTP port: a mail sent with any mail client
is stored in S3 and handed to the inbound function, and shows up in its thread on the page; a mail
SES judged spam is set aside, visible in the mail log, and an admin may import it all the same."""

from __future__ import annotations

import json
import smtplib
import time
import uuid
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import boto3
import pytest
from playwright.sync_api import expect

from local.smtp_inbound import PREFIX, SES_INBOUND_FUNCTION, ses_event
from tests.integration.browser import Tab
from tests.integration.conftest import sign_in
from tests.integration.page_helpers import api, signed_in, tag

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def test_a_mail_sent_to_the_smtp_port_shows_up_in_its_thread(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    email = f"smtp-{tag()}@example.com"
    message = EmailMessage()
    message["From"] = f"Cleo <{email}>"
    message["To"] = "support@shop.example"
    message["Subject"] = "Do you gift-wrap?"
    message.set_content("Could you gift-wrap my order, please?")
    tab = open_page()
    page = signed_in(tab, stack, "admin")

    with smtplib.SMTP(stack["smtp"]["host"], stack["smtp"]["port"], timeout=10) as smtp:
        refused = smtp.send_message(message)
    assert refused == {}  # accepted: 250

    token, deadline = sign_in(stack, "admin"), time.monotonic() + 30
    while not api(stack, token, "GET", f"/v1/threads?q={email}").json().get("threads") and time.monotonic() < deadline:
        time.sleep(0.2)  # SES hands the mail over asynchronously, as here
    page.reload()
    row = page.get_by_test_id("thread-row").filter(has_text=email)
    expect(row).to_have_count(1)
    row.get_by_test_id("thread-link").click()
    last = page.get_by_test_id("message").last
    expect(last.get_by_test_id("message-text")).to_have_text("Could you gift-wrap my order, please?")
    expect(last.get_by_test_id("message-source")).to_have_text("E-mail")
    assert tab.problems() == []


def test_a_mail_ses_judged_spam_is_set_aside_in_the_mail_log_and_an_admin_imports_it(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    """SES scans (moto does not): the receipt's event is played with a failed spam verdict, as SES
    would send it after storing the raw mail under the rule's prefix."""
    email, subject = f"spam-{tag()}@example.com", f"Bulk order {tag()}"
    message = EmailMessage()
    message["From"] = f"Dan <{email}>"
    message["To"] = "support@shop.example"
    message["Subject"] = subject
    message.set_content("I would like 200 mugs with our logo.")
    resources, ses_id = stack["resources"], uuid.uuid4().hex
    keys = {"region_name": resources["region"], "aws_access_key_id": "local", "aws_secret_access_key": "local"}
    boto3.client("s3", endpoint_url=stack["aws_endpoint"], **keys).put_object(Bucket=resources["attachments_bucket"], Key=PREFIX + ses_id, Body=message.as_bytes())
    invoked = boto3.client("lambda", endpoint_url=stack["url"].rstrip("/"), **keys).invoke(
        FunctionName=SES_INBOUND_FUNCTION, Payload=json.dumps(ses_event(ses_id, email, ["support@shop.example"], spam="FAIL")).encode()
    )
    assert json.loads(invoked["Payload"].read())["outcomes"] == {ses_id: "set_aside"}

    tab = open_page()
    page = signed_in(tab, stack, "admin", "#/mail-log")
    page.get_by_test_id("mail-log-outcome").select_option("failed")
    aside = page.get_by_test_id("mail-log-entry").filter(has_text=subject)
    expect(aside.get_by_test_id("mail-log-outcome-label")).to_have_text("Set aside")
    expect(aside.get_by_test_id("mail-log-sender")).to_have_text(email)
    expect(aside.get_by_test_id("mail-log-detail")).to_contain_text("spam FAIL")
    expect(page.get_by_test_id("thread-row").filter(has_text=email)).to_have_count(0)

    aside.get_by_test_id("mail-log-retry").click()  # SES misjudged it: the admin imports it all the same
    imported = page.get_by_test_id("mail-log-entry").filter(has_text=subject)
    # the retry imports the mail for real (its raw read back, parsed, stored): on a loaded machine
    # that can take longer than an expectation's default 5 s, as a sync does
    expect(imported.get_by_test_id("mail-log-outcome-label")).to_have_text("Imported", timeout=20_000)
    imported.get_by_test_id("mail-log-thread").click()
    expect(page.get_by_test_id("message").last.get_by_test_id("message-text")).to_have_text("I would like 200 mugs with our logo.")
    assert tab.problems() == []
