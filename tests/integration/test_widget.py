"""The embeddable widget on the demo storefront (`make run` serves /demo-shop/), in real Chromium:
one script tag renders the form in the page's language, shows every error next to its field,
uploads the attachment through the presigned POST, and the message lands in a thread.

The thread is read back from the stack's DynamoDB (its `aws_endpoint`): the agents' thread view
(`GET /v1/threads/{number}`) is built on another branch.
"""

from __future__ import annotations

import re
from typing import Any

import boto3
import pytest
import requests

from tests.integration.browser import chromium_fixture, open_page_fixture  # noqa: F401

pytestmark = [pytest.mark.stack, pytest.mark.browser]

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def table(stack: dict[str, Any]) -> Any:
    resources = stack["resources"]
    dynamodb = boto3.resource(
        "dynamodb", endpoint_url=stack["aws_endpoint"], region_name=resources["region"], aws_access_key_id="local", aws_secret_access_key="local"
    )
    return dynamodb.Table(resources["table_name"])


def test_the_widget_renders_in_the_pages_language_shows_errors_and_sends_a_message(stack: dict[str, Any], open_page: Any, admin_token: str) -> None:
    tab = open_page(locale="es-ES")
    page = tab.page
    page.goto(stack["url"] + "demo-shop/es.html")
    widget = page.get_by_test_id("shopdesk-widget")
    widget.get_by_role("button", name="Enviar").wait_for()
    assert widget.locator("select[name=contact_id] option").all_text_contents() == ["-- Elija --", "Webmaster", "Servicio al cliente"]
    assert widget.locator("input[type=file]").count() == 1  # uploads are allowed by default

    # Everything wrong at once: each error in Spanish, next to its own field.
    widget.locator("input[name=email]").fill("no es una dirección")
    widget.get_by_role("button", name="Enviar").click()
    page.locator("[data-error-for=message]:not([hidden])").wait_for()
    assert widget.locator("[data-error-for=contact_id]").text_content() == "Elija a quién quiere escribir."
    assert widget.locator("[data-error-for=email]").text_content() == "Dirección de correo electrónico no válida."
    assert widget.locator("[data-error-for=message]").text_content() == "Escriba un mensaje."
    assert widget.locator("input[name=email]").get_attribute("aria-invalid") == "true"

    widget.locator("select[name=contact_id]").select_option("customer-service")
    widget.locator("input[name=email]").fill("widget.visitor@example.com")
    widget.locator("input[name=order_ref]").fill("XKBKNABJK")
    widget.locator("textarea[name=message]").fill("Hola, <b>¿dónde está</b> mi pedido?\nGracias")
    widget.locator("input[type=file]").set_input_files(files=[{"name": "factura.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.wait_for_timeout(3500)  # a person takes longer than the form's minimum fill time (3 s)
    widget.get_by_role("button", name="Enviar").click()
    success = page.get_by_test_id("shopdesk-success")
    success.wait_for()
    assert "Su mensaje se ha enviado" in success.text_content()
    number = int(re.search(r"#(\d+)", success.text_content())[1])
    assert tab.problems(r"status of 422 .*/v1/messages") == []  # the browser logs the refused first try

    # The thread, as the agents will see it: stored open, in Spanish, with the file and the text as typed.
    items = table(stack).query(KeyConditionExpression=boto3.dynamodb.conditions.Key("PK").eq(f"THREAD#{number}"), ConsistentRead=True)["Items"]
    thread = next(i for i in items if i["SK"] == "#THREAD")
    [message] = [i for i in items if i["SK"].startswith("MSG#")]
    assert (thread["email"], thread["language"], thread["status"], thread["order_ref"]) == ("widget.visitor@example.com", "es", "open", "XKBKNABJK")
    assert message["text"] == "Hola, <b>¿dónde está</b> mi pedido?\nGracias"
    assert message["user_agent"] and message["ip"] == "127.0.0.1"
    assert [a["filename"] for a in message["attachments"]] == ["factura.pdf"]

    # The agents' API answers the admin (the blocked-sender list is this branch's agents' route).
    answer = requests.get(stack["agents_api"] + "/v1/blocked-senders", headers={"Authorization": f"Bearer {admin_token}"}, timeout=10)
    assert answer.status_code == 200 and answer.json() == {"blocked_senders": []}

    # The visitor's confirmation carries the thread's markers.
    mails = requests.get(stack["url"] + "_local/sent-mail.json", timeout=10).json()
    assert any("widget.visitor@example.com" in m["to"] and f"#ct{number} #tc" in m["subject"] for m in mails)
