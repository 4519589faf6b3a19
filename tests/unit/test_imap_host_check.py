"""The mailbox host must be a public address: saving or testing a host that is, or resolves to, a
loopback, private, link-local (the metadata service) or otherwise non-public address is refused
with one 422, whatever the reason; the connection goes to the address that was checked, so a
second DNS answer (rebinding) is never used. Loopback is allowed only by the deployment's flag.

Nothing here leaves this machine: names resolve through a stub, and every connection attempt is
recorded and refused before a packet is sent."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from agents_api import ADMIN, call
from shopdesk.core.config import config
from shopdesk.mail import imap, outbound_hosts
from shopdesk.store.models import ImapSettings
from shopdesk.store.settings import load_settings

PUBLIC = "93.184.216.34"
NAMES = {
    "imap.public.example": [PUBLIC],
    "metadata.example": ["169.254.169.254"],
    "intranet.example": ["10.1.2.3"],
    "rebinding.example": [PUBLIC, "192.168.0.10"],  # one public answer, one private: refused
    "ula.example": ["fd00:ec2::254"],
    "mapped.example": ["::ffff:127.0.0.1"],
    "cgnat.example": ["100.64.0.1"],
    "me.example": ["127.0.0.1"],
    "rebinding-metadata.example": ["10.0.0.5", "169.254.169.254"],  # one private answer, one metadata: refused even on a private network
}
REFUSED_LITERALS = ["127.0.0.1", "127.1.2.3", "[::1]", "::1", "localhost", "mail.localhost", "0.0.0.0", "10.0.0.1", "172.16.5.5", "192.168.1.1",
                    "169.254.169.254", "::ffff:169.254.169.254", "fe80::1", "224.0.0.1", "255.255.255.255"]
REFUSED_NAMES = ["metadata.example", "intranet.example", "rebinding.example", "ula.example", "mapped.example", "cgnat.example", "me.example"]


@pytest.fixture
def network(aws: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """A deployment (loopback not allowed), a stub resolver, and the connections attempted."""
    monkeypatch.setenv("IMAP_ALLOW_LOOPBACK", "false")
    config.cache_clear()
    resolved: list[str] = []

    def stub(host: str, port: int) -> list[str]:
        resolved.append(host)
        if host not in NAMES:
            raise socket.gaierror(socket.EAI_NONAME, "unknown name")
        return NAMES[host]

    attempts: list[tuple[str, int]] = []

    def refuse(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        attempts.append(address)
        raise ConnectionRefusedError("no packet leaves a test")

    monkeypatch.setattr(outbound_hosts, "resolve", stub)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def test_saving_a_host_that_is_not_a_public_address_is_refused_with_one_field_error(network: list[tuple[str, int]]) -> None:
    for host in REFUSED_LITERALS:
        status, answer = call("PATCH", "/v1/settings", ADMIN, body={"imap": {"host": host, "user": "desk"}})
        assert status == 422 and [(f["field"], f["code"]) for f in answer["error"]["fields"]] == [("imap.host", "imap_host_not_allowed")], host
    assert load_settings().imap is None or load_settings().imap.host != "127.0.0.1"
    status, answer = call("PATCH", "/v1/settings", ADMIN, body={"imap": {"host": "imap.public.example", "user": "desk"}})
    assert status == 200 and answer["imap"]["host"] == "imap.public.example"
    assert network == []  # saving connects to nothing


def test_adding_or_changing_a_mailbox_to_a_host_that_is_not_a_public_address_is_refused(network: list[tuple[str, int]]) -> None:
    for host in REFUSED_LITERALS:
        status, answer = call("POST", "/v1/mailboxes", ADMIN, body={"host": host, "user": "desk"})
        assert status == 422 and [(f["field"], f["code"]) for f in answer["error"]["fields"]] == [("host", "imap_host_not_allowed")], host
    status, answer = call("POST", "/v1/mailboxes", ADMIN, body={"host": "imap.public.example", "user": "desk"})
    assert status == 201, answer
    status, answer = call("PATCH", f"/v1/mailboxes/{answer['id']}", ADMIN, body={"host": "169.254.169.254"})
    assert status == 422 and answer["error"]["fields"][0]["field"] == "host"
    assert network == []  # saving connects to nothing


@pytest.mark.parametrize("host", REFUSED_LITERALS + REFUSED_NAMES)
def test_testing_a_host_that_is_or_resolves_to_a_private_address_is_a_422_and_nothing_is_connected(network: list[tuple[str, int]], host: str) -> None:
    status, answer = call("POST", "/v1/sync/test-connection", ADMIN, body={"host": host, "user": "desk", "password": "typed"})
    assert status == 422 and [(f["field"], f["code"]) for f in answer["error"]["fields"]] == [("host", "imap_host_not_allowed")]
    assert answer["error"]["fields"][0]["message"] == "This mail server cannot be used: its address is not a public one."
    assert network == []


def test_a_public_host_is_connected_at_the_address_that_was_checked(network: list[tuple[str, int]]) -> None:
    status, answer = call("POST", "/v1/sync/test-connection", ADMIN, body={"host": "imap.public.example", "port": 993, "user": "desk", "password": "typed"})
    assert status == 200 and answer["ok"] is False  # the stub refused the connection
    assert network == [(PUBLIC, 993)]  # the checked address, not the name resolved again


def test_the_sync_refuses_a_saved_name_that_now_resolves_to_a_private_address(network: list[tuple[str, int]]) -> None:
    settings = load_settings()
    settings.imap = ImapSettings(host="metadata.example", port=993, user="desk", security="tls", folder="INBOX")
    settings.save()
    with pytest.raises(imap.MailboxError) as refused:
        imap.Mailbox(imap.settings_from(load_settings().imap, "secret")).connect()
    assert refused.value.code == "imap_host_not_allowed" and network == []


def test_loopback_is_allowed_only_where_the_deployment_says_so(network: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMAP_ALLOW_LOOPBACK", "true")
    config.cache_clear()
    assert call("PATCH", "/v1/settings", ADMIN, body={"imap": {"host": "127.0.0.1", "user": "desk"}})[0] == 200
    assert call("PATCH", "/v1/settings", ADMIN, body={"imap": {"host": "10.0.0.1", "user": "desk"}})[0] == 422  # private stays refused
    assert call("PATCH", "/v1/settings", ADMIN, body={"imap": {"host": "169.254.169.254", "user": "desk"}})[0] == 422


# --- a mailbox an admin marked "private network" -------------------------------------------------

NEVER = ["169.254.169.254", "::ffff:169.254.169.254", "fe80::1", "fd00:ec2::254", "0.0.0.0", "224.0.0.1"]


def test_a_private_network_mailbox_may_be_on_a_private_address_and_says_who_allowed_it(network: list[tuple[str, int]]) -> None:
    status, box = call("POST", "/v1/mailboxes", ADMIN, body={"host": "10.0.0.1", "user": "desk", "private_network": True})
    assert status == 201, box
    assert box["private_network"] is True and box["private_network_set_by"] == ADMIN["email"] and box["private_network_set_at"]
    # A new private host keeps the option as stored; a public mailbox still refuses one.
    assert call("PATCH", f"/v1/mailboxes/{box['id']}", ADMIN, body={"host": "192.168.1.1"})[0] == 200
    status, public = call("POST", "/v1/mailboxes", ADMIN, body={"host": "imap.public.example", "user": "desk"})
    assert public["private_network"] is False and public["private_network_set_by"] is None
    assert call("PATCH", f"/v1/mailboxes/{public['id']}", ADMIN, body={"host": "192.168.1.1"})[0] == 422
    assert network == []


@pytest.mark.parametrize(("host", "address"), [("intranet.example", "10.1.2.3"), ("me.example", "127.0.0.1"), ("ula.example", "fd00:ec2::254")])
def test_a_private_network_mailbox_is_connected_at_the_checked_private_address_never_a_metadata_one(
    network: list[tuple[str, int]], host: str, address: str
) -> None:
    status, box = call("POST", "/v1/mailboxes", ADMIN, body={"host": host, "user": "desk", "password": "pw", "private_network": True})
    assert status == 201
    status, answer = call("POST", f"/v1/mailboxes/{box['id']}/test", ADMIN)
    if address.startswith("fd00:ec2:"):  # AWS's IPv6 metadata, DNS and time endpoints: never
        assert status == 422 and answer["error"]["fields"][0]["code"] == "imap_host_not_allowed" and network == []
    else:
        assert status == 200 and answer["ok"] is False  # the stub refused the connection
        assert network == [(address, 993)]  # the address that was checked, no second lookup


@pytest.mark.parametrize("host", [*NEVER, "metadata.example", "rebinding-metadata.example"])
def test_link_local_and_metadata_addresses_stay_refused_whatever_the_option_says(network: list[tuple[str, int]], host: str) -> None:
    literal = outbound_hosts.literal_address(host) is not None
    status, answer = call("POST", "/v1/mailboxes", ADMIN, body={"host": host, "user": "desk", "password": "pw", "private_network": True})
    if literal:  # told from the name alone, on saving
        assert status == 422 and answer["error"]["fields"][0]["code"] == "imap_host_not_allowed"
    else:  # a name is checked where it is resolved: on connecting
        assert status == 201
        status, answer = call("POST", f"/v1/mailboxes/{answer['id']}/test", ADMIN)
        assert status == 422 and answer["error"]["fields"][0]["code"] == "imap_host_not_allowed"
    assert network == []


def test_the_option_switched_off_refuses_the_private_host_again_and_records_who(network: list[tuple[str, int]]) -> None:
    status, box = call("POST", "/v1/mailboxes", ADMIN, body={"host": "intranet.example", "user": "desk", "password": "pw", "private_network": True})
    status, changed = call("PATCH", f"/v1/mailboxes/{box['id']}", ADMIN, body={"private_network": False})
    assert status == 200 and changed["private_network"] is False and changed["private_network_set_by"] == ADMIN["email"]
    status, answer = call("POST", f"/v1/mailboxes/{box['id']}/test", ADMIN)
    assert status == 422 and network == []


def test_only_admins_set_the_private_network_option(network: list[tuple[str, int]]) -> None:
    from agents_api import AGENT

    status, box = call("POST", "/v1/mailboxes", ADMIN, body={"host": "imap.public.example", "user": "desk"})
    assert call("PATCH", f"/v1/mailboxes/{box['id']}", AGENT, body={"private_network": True})[0] == 403
    assert call("GET", "/v1/mailboxes", ADMIN)[1]["mailboxes"][-1]["private_network"] is False
