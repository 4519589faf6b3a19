"""The stack as `make run` starts it answers on both APIs."""

from typing import Any

import pytest
import requests

pytestmark = pytest.mark.stack


def test_the_stack_serves_the_default_contacts_in_the_visitors_language(stack: dict[str, Any]) -> None:
    answer = requests.get(stack["public_api"] + "/v1/contacts", params={"lang": "es"}, timeout=10)
    assert answer.status_code == 200
    names = [c["name"] for c in answer.json()["contacts"]]
    assert names == ["Webmaster", "Servicio al cliente"]


def test_a_signed_in_agent_is_told_who_they_are(stack: dict[str, Any], agent_token: str) -> None:
    answer = requests.get(stack["agents_api"] + "/v1/me", headers={"Authorization": f"Bearer {agent_token}"}, timeout=10)
    assert answer.status_code == 200
    assert answer.json()["username"] == stack["logins"]["agent"]["username"]
    assert answer.json()["is_admin"] is False
