"""Reading a mail's headers whatever the sender's software got wrong.

Every header access goes through `header()`: policy.default parses a header on each access and
raises on some defects, so a value is read once, decoded (RFC 2047, raw 8-bit bytes) and kept.
Nothing here touches AWS; parsing and classifying share these helpers.
"""

from __future__ import annotations

import re
from email.header import decode_header, make_header
from email.message import Message
from email.policy import EmailPolicy
from email.utils import getaddresses, parseaddr
from functools import lru_cache
from typing import Any

_MSGID = re.compile(r"<([^<>\s]+)>")
# A usable address: a local part, an @, a domain of at least one dot-separated label (a trailing
# dot, as some MTAs write the root, is tolerated and removed).
_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@(?:[A-Za-z0-9\u00a0-\uffff-]+\.)*[A-Za-z0-9\u00a0-\uffff-]+\.?$")


class _RememberingPolicy(EmailPolicy):
    """policy.default, except that a header's parsed object is made once per distinct (name, value)
    and then reused. policy.default parses a header again on every access, and the walk over a mail
    asks each part's Content-Type, Content-Disposition and Content-Transfer-Encoding many times
    (the most of parsing's CPU time). The parsed objects are read-only strings, so sharing them
    changes nothing, and the same `Content-Type: text/plain; charset="utf-8"` of the next mail
    is not parsed again either."""

    def header_fetch_parse(self, name: str, value: Any) -> Any:
        if hasattr(value, "name") or not isinstance(value, str):
            return super().header_fetch_parse(name, value)
        return _parsed_header(self, name, value)


@lru_cache(maxsize=2048)
def _parsed_header(policy: _RememberingPolicy, name: str, value: str) -> Any:
    return EmailPolicy.header_fetch_parse(policy, name, value)


# What parsing uses: policy.default's behaviour, its header objects made once.
PARSING_POLICY = _RememberingPolicy()


def header(msg: Message, name: str) -> str:
    """A header's decoded value, whatever the message got wrong ('' when absent or unreadable)."""
    cache: dict[str, str] = msg.__dict__.setdefault("_shopdesk_headers", {})
    key = name.lower()
    if key not in cache:
        cache[key] = _read_header(msg, name) if name in msg else ""
    return cache[key]


def _read_header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a defective header policy.default cannot parse
        value = None
        for key, raw in getattr(msg, "_headers", []):
            if key.lower() == name.lower():
                value = raw
                break
    if value is None:
        return ""
    try:
        text = str(value)
    except Exception:
        text = ""
    return _decode(text)


def _decode(text: str) -> str:
    if "=?" in text:
        try:
            text = str(make_header(decode_header(text)))
        except Exception:
            pass
    text = undo_surrogates(text)
    return " ".join(text.split())


_SURROGATE = re.compile("[\udc80-\udcff]")


def undo_surrogates(text: str) -> str:
    """Raw 8-bit bytes arrive as surrogates: decode them as UTF-8, else Latin-1. (Every header of
    every mail passes here: an ASCII one, nearly all of them, is answered without a look at its
    characters one by one.)"""
    if not text.isascii() and _SURROGATE.search(text):
        raw_bytes = text.encode("utf-8", "surrogateescape")
        try:
            return raw_bytes.decode("utf-8")
        except UnicodeDecodeError:
            return raw_bytes.decode("latin-1")
    return text


def normalize_id(value: str) -> str:
    return value.strip().strip("<>").lower()


def original_id(value: str) -> str | None:
    """The first Message-ID a header names as it was written, brackets included (an answer's
    In-Reply-To must repeat it byte for byte: mail programs thread on the exact id)."""
    found = _MSGID.search(value or "")
    return found.group(0) if found else None


def original_ids(value: str) -> list[str]:
    """Every Message-ID a header names as it was written, brackets included, in order, each once
    (a References chain our answer repeats byte for byte)."""
    return list(dict.fromkeys(found.group(0) for found in _MSGID.finditer(value or "")))


def ids(value: str) -> list[str]:
    """The Message-IDs a header names, normalised (a bare id without brackets is accepted)."""
    found = _MSGID.findall(value or "")
    if not found and value.strip() and " " not in value.strip() and "@" in value:
        found = [value.strip()]
    return [normalize_id(v) for v in found]


def usable_address(address: str) -> str | None:
    """The address without a root dot (its case kept: a plus-address token is case-sensitive), or None when it is not one."""
    address = (address or "").strip().strip("<>").strip()
    if not _ADDRESS.match(address):
        return None
    return address.rstrip(".")


def _raw_values(msg: Message, name: str) -> list[str]:
    """Every occurrence of a header as it came (unfolded; raw 8-bit bytes decoded): the policy's
    parsed value drops an address it finds defective ("ann@example.com." becomes "Ann")."""
    return [undo_surrogates(" ".join(str(raw).split())) for key, raw in getattr(msg, "_headers", []) if key.lower() == name.lower()]


def raw_header(msg: Message, name: str) -> str:
    """A header's first occurrence decoded (RFC 2047, raw 8-bit bytes) and unfolded, but not parsed:
    policy.default builds an address header's whole parse tree on access, the costliest step of
    reading an ordinary mail, where only the text is matched."""
    values = _raw_values(msg, name)
    return _decode(values[0]) if values else ""


def addresses(msg: Message, *names: str) -> list[tuple[str, str]]:
    """(name, address) pairs of the headers, every occurrence of each, in order; only real addresses.
    Split before decoding, so an encoded display name holding a comma stays one name."""
    result: list[tuple[str, str]] = []
    for header_name in names:
        for value in _raw_values(msg, header_name):
            try:
                pairs = getaddresses([value])
            except Exception:
                pairs = [parseaddr(value)]
            for name, address in pairs:
                usable = usable_address(address)
                if usable:
                    result.append((_decode(name).strip(), usable))
    return result
