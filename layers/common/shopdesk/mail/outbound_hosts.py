"""Where Shopdesk may connect on an admin's word: the IMAP host (and later SMTP/OAuth) must be a
public address. A host that is, or resolves to, a loopback, private, link-local (the cloud's
metadata service, 169.254.169.254, among them), shared, reserved or multicast address is refused
with one generic answer, so "Test connection" cannot map a private network. A mailbox an admin
marked "private network" (recorded with who and when) may be on a private or loopback address;
link-local never. Loopback is also allowed where the deployment says so (`IMAP_ALLOW_LOOPBACK`:
local runs and tests, whose mail servers are on 127.0.0.1).

The name is resolved once and the connection goes to the address that was checked (the TLS name
is still the host's): a second, different answer from DNS (rebinding) is never used."""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Callable
from typing import Any

from imapclient import IMAPClient, imap4, tls

from shopdesk.core.config import config
from shopdesk.core.i18n import register

register(
    {
        "imap_host_not_allowed": {
            "en": "This mail server cannot be used: its address is not a public one.",
            "es": "No se puede usar este servidor de correo: su dirección no es pública.",
            "pl": "Nie można użyć tego serwera poczty: jego adres nie jest publiczny.",
        },
    }
)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# Names that are loopback whatever DNS says (RFC 6761).
_LOOPBACK_NAMES = ("localhost", ".localhost")


# Never, whatever an admin says: the cloud's own services on the instance's network (AWS's IPv6
# metadata, DNS and time endpoints are in fd00:ec2::/32; IPv4's are link-local, refused as such).
_NEVER = (ipaddress.ip_network("fd00:ec2::/32"),)


class HostNotAllowed(Exception):
    """The host is, or resolves to, an address Shopdesk must not connect to."""

    code = "imap_host_not_allowed"


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the host name resolves to (tests replace `resolve` with a stub)."""
    return list(dict.fromkeys(str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)))


resolve: Callable[[str, int], list[str]] = system_resolver


def literal_address(host: str) -> Address | None:
    """The address a host names without asking DNS: an IP literal (IPv6 with or without brackets)."""
    try:
        return ipaddress.ip_address(host.strip().strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def is_allowed(address: Address, private_network: bool = False) -> bool:
    """A public address; with a mailbox's "private network" option (an admin's explicit word),
    also a loopback or private one (10/8, 172.16/12, 192.168/16, fc00::/7, 127/8, ::1). Never a
    link-local address (169.254.0.0/16, fe80::/10: the cloud's metadata endpoints), an unspecified,
    multicast or reserved one, whatever the option says."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_link_local or address.is_multicast or address.is_unspecified or any(address in block for block in _NEVER):
        return False
    if address.is_loopback:
        return private_network or config().imap_allow_loopback
    if address.is_reserved:
        return False
    if private_network and address.is_private:
        return True
    return address.is_global


def refused_without_dns(host: str, private_network: bool = False) -> bool:
    """What can be told from the name alone (saving the settings resolves nothing): an address
    literal that is not allowed, or a name that is loopback by definition."""
    name = host.strip().rstrip(".").lower()
    literal = literal_address(name)
    if literal is not None:
        return not is_allowed(literal, private_network)
    loopback_name = name == _LOOPBACK_NAMES[0] or name.endswith(_LOOPBACK_NAMES[1])
    return loopback_name and not (private_network or config().imap_allow_loopback)


def pinned_address(host: str, port: int, private_network: bool = False) -> str:
    """The one address to connect to: the host's, resolved once, each of its addresses allowed
    (with `private_network`, private and loopback ones too; link-local never).
    Raises HostNotAllowed (one answer, whatever the reason); socket.gaierror when it does not resolve."""
    if refused_without_dns(host, private_network):
        raise HostNotAllowed()
    literal = literal_address(host)
    addresses = [str(literal)] if literal is not None else resolve(host.strip(), port)
    if not addresses or not all(is_allowed(ipaddress.ip_address(a.split("%", 1)[0]), private_network) for a in addresses):
        raise HostNotAllowed()
    return addresses[0]


class _PinnedTLS(tls.IMAP4_TLS):
    def __init__(self, address: str, host: str, port: int, ssl_context: ssl.SSLContext | None, timeout: float | None) -> None:
        self._address = address
        super().__init__(host, port, ssl_context, timeout)

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        sock = socket.create_connection((self._address, self.port), timeout=timeout if timeout is not None else self._timeout)
        return tls.wrap_socket(sock, self.ssl_context, self.host)  # the certificate is checked against the host's name


class _PinnedPlain(imap4.IMAP4WithTimeout):
    def __init__(self, address: str, host: str, port: int, timeout: float | None) -> None:
        self._address = address
        super().__init__(host, port, timeout)

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        return socket.create_connection((self._address, self.port), timeout if timeout is not None else self._timeout)


class PinnedIMAPClient(IMAPClient):
    """An IMAPClient that connects to the address `pinned_address` checked, not to whatever the
    host name resolves to at connection time; TLS (and STARTTLS) still name the host."""

    def __init__(self, host: str, address: str, **kwargs: Any) -> None:
        self._pinned = address
        super().__init__(host, **kwargs)

    def _create_IMAP4(self) -> Any:  # noqa: N802 (IMAPClient's name)
        connect_timeout = getattr(self._timeout, "connect", None)
        if self.ssl:
            return _PinnedTLS(self._pinned, self.host, self.port, self.ssl_context, connect_timeout)
        return _PinnedPlain(self._pinned, self.host, self.port, connect_timeout)
