"""The one encoder of header values: every header and MIME file name of a mail Shopdesk sends
that carries what a customer, a visitor, an admin or an agent typed goes through here.

The stdlib `email` package (policy.default) refuses CR/LF in the value it is given, but it
decodes RFC 2047 encoded words (`=?utf-8?q?a=0D=0AX?=`) while it parses that value, so a line
break can still arrive through an encoded word, and an address's encoded local part becomes
another address. Here a text is decoded first (a bounded number of rounds, as a mail program
would show it), every control character and line separator becomes a space, and any `=?` left
is disarmed, so the package has nothing left to decode; it then encodes what is not ASCII
(RFC 2047 in headers, RFC 2231 in parameters). Addresses are refused rather than repaired, and
Message-IDs are written byte for byte, each in its angle brackets."""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.errors import HeaderParseError
from email.header import decode_header, make_header

from shopdesk.core.validation import is_valid_email

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")
DECODE_ROUNDS = 3
# RFC 5322 caps a line at 998 characters; a text header is folded, but nothing we send needs more.
TEXT_LIMIT = 900
FILENAME_LIMIT = 200
# <left@right>: no spaces, brackets or controls inside (RFC 5322 msg-id, leniently).
_MESSAGE_ID = re.compile(r"^<[^<>\s\x00-\x1f\x7f]{1,900}>$")


class NotAHeaderValue(ValueError):
    """An address or Message-ID that cannot be written into a header as it is."""


def _decoded(text: str) -> str:
    for _ in range(DECODE_ROUNDS):
        if "=?" not in text:
            break
        try:
            decoded = str(make_header(decode_header(text)))
        except (ValueError, LookupError, UnicodeError, HeaderParseError):
            break
        if decoded == text:
            break
        text = decoded
    return text


def header_text(value: object, limit: int = TEXT_LIMIT) -> str:
    """A text (a subject, a display name) as one safe header line: what a mail program shows."""
    text = _decoded(value if isinstance(value, str) else "" if value is None else str(value))
    text = _SURROGATE.sub("\ufffd", _CONTROL.sub(" ", text))
    text = " ".join(text.split())
    # Whatever still reads as an encoded word is shown as typed, never decoded by the package.
    return text.replace("=?", "= ?")[:limit].strip()


def filename(value: object, fallback: str = "attachment") -> str:
    """An attachment's file name as a MIME parameter (no path, no line, no encoded word)."""
    name = header_text(value, FILENAME_LIMIT).replace("/", "_").replace("\\", "_").replace('"', "'").strip(". ")
    return name or fallback


def address(value: object) -> str:
    """One address as it goes into To, Cc or Reply-To; anything else is refused, not repaired."""
    text = value.strip() if isinstance(value, str) else ""
    if not is_valid_email(text) or _CONTROL.search(text) or "=?" in text:
        raise NotAHeaderValue("not an e-mail address")
    return text


def address_list(values: Iterable[str]) -> str:
    return ", ".join(address(value) for value in values)


def message_id(value: object) -> str:
    """A Message-ID byte for byte, in its angle brackets (added when a stored id lost them)."""
    text = value.strip() if isinstance(value, str) else ""
    if text and not text.startswith("<"):
        text = f"<{text}>"
    if not _MESSAGE_ID.match(text):
        raise NotAHeaderValue("not a Message-ID")
    return text


def message_ids(values: Iterable[str]) -> str:
    """In-Reply-To / References: the ids that can be written, in order, each once."""
    return " ".join(bounded_ids(values, keep_last=None))


# References kept and written: the first id (the conversation's start) and the last ones (RFC 5322
# §3.6.4 lets a long chain be shortened; mail programs keep the first and the most recent).
REFERENCES_KEEP_LAST = 20
# An id longer than this is not kept in a stored chain (real ones are well under 100 characters).
STORED_ID_LIMIT = 250


def bounded_ids(values: Iterable[str], keep_last: int | None = REFERENCES_KEEP_LAST, id_limit: int | None = None) -> list[str]:
    """Message-IDs that can be written (byte for byte, brackets added where missing), in order,
    each once; a chain longer than 1 + `keep_last` keeps its first id and its last `keep_last`
    (`None`: the whole chain)."""
    written: list[str] = []
    for value in values:
        try:
            found = message_id(value)
        except NotAHeaderValue:
            continue
        if found not in written and (id_limit is None or len(found) <= id_limit):
            written.append(found)
    if keep_last is not None and len(written) > keep_last + 1:
        written = [written[0], *written[-keep_last:]]
    return written


def reference_chain(references: list[str] | tuple[str, ...], in_reply_to: str) -> str:
    """Our answer's References: the customer's mail's References as received, then the id it
    answers (In-Reply-To), each once, bounded (the first and the last ids)."""
    answered = message_id(in_reply_to)
    earlier = [found for found in bounded_ids(references, keep_last=None) if found != answered]
    return " ".join(bounded_ids([*earlier, answered]))
