"""Forward fixes: the discussion's files go with the forwarded mail while it stays
within SES's size limit, and as expiring download links beyond it; an employee and an address
both filled receive it both — never one dropped silently."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from agents_api import call
from shopdesk.core.config import config
from shopdesk.threads import forwarding
from test_outbound import PDF, body_text, sent_mail, shop, upload  # noqa: F401  (the shop fixture)

REGION = "eu-west-1"


@pytest.fixture
def team(monkeypatch: pytest.MonkeyPatch, shop: dict[str, Any]) -> str:  # noqa: F811
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool = cognito.create_user_pool(PoolName="agents", UsernameAttributes=["email"])["UserPool"]["Id"]
    cognito.create_group(UserPoolId=pool, GroupName="agent")
    cognito.admin_create_user(UserPoolId=pool, Username="lia@shop.example", UserAttributes=[{"Name": "email", "Value": "lia@shop.example"}])
    cognito.admin_add_user_to_group(UserPoolId=pool, Username="lia@shop.example", GroupName="agent")
    monkeypatch.setenv("USER_POOL_ID", pool)
    config.cache_clear()
    return "lia@shop.example"


def test_the_discussions_files_are_attached_to_the_forwarded_mail(shop: dict[str, Any]) -> None:  # noqa: F811
    number = shop["number"]
    call("POST", f"/v1/threads/{number}/replies", body={"text": "Adjunto la factura", "attachments": [upload(PDF, "factura.pdf")]})
    status, _ = call("POST", f"/v1/threads/{number}/forward", body={"to_email": "carrier@example.net", "comment": "See the invoice"})
    assert status == 201
    forwarded = sent_mail()[-1]
    files = {part.get_filename(): part.get_content() for part in forwarded.iter_attachments()}
    assert files == {"factura.pdf": PDF}


def test_files_beyond_the_size_limit_go_as_links_that_expire(shop: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    number = shop["number"]
    call("POST", f"/v1/threads/{number}/replies", body={"text": "Two files", "attachments": [upload(PDF, "small.pdf"), upload(PDF * 40, "big.pdf")]})
    monkeypatch.setattr(forwarding, "ATTACH_BUDGET", len(PDF) * 10)
    assert call("POST", f"/v1/threads/{number}/forward", body={"to_email": "carrier@example.net"})[0] == 201
    forwarded = sent_mail()[-1]
    assert [part.get_filename() for part in forwarded.iter_attachments()] == ["small.pdf"]
    text = body_text(forwarded)
    assert "Archivos demasiado grandes" in text or "Files too large" in text
    link = next(line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("big.pdf: "))
    query = parse_qs(urlsplit(link).query)
    assert int(query["X-Amz-Expires"][0]) == forwarding.LINK_SECONDS
    assert "attachment" in query["response-content-disposition"][0]


def test_an_employee_and_an_address_both_receive_the_forward(team: str, shop: dict[str, Any]) -> None:  # noqa: F811
    number = shop["number"]
    status, body = call("POST", f"/v1/threads/{number}/forward", body={"to_agent": team, "to_email": "carrier@example.net", "comment": "Both"})
    assert status == 201, body
    forwarded = sent_mail()[-1]
    assert forwarded["To"] == "lia@shop.example, carrier@example.net"
    assert "lia@shop.example" in body["message"]["text"] and "carrier@example.net" in body["message"]["text"]


def test_with_both_filled_a_wrong_one_refuses_the_whole_forward(team: str, shop: dict[str, Any]) -> None:  # noqa: F811
    number = shop["number"]
    status, body = call("POST", f"/v1/threads/{number}/forward", body={"to_agent": team, "to_email": "not-an-address"})
    assert status == 422 and [f["field"] for f in body["error"]["fields"]] == ["to_email"]
    status, body = call("POST", f"/v1/threads/{number}/forward", body={"to_agent": "stranger@example.com", "to_email": "carrier@example.net"})
    assert status == 422 and [f["code"] for f in body["error"]["fields"]] == ["unknown_agent"]
    assert sent_mail() == []
