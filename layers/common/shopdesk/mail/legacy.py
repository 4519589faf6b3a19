"""Files wrapped the old ways: uuencoded blocks (`begin 644 name` … `end`, in a body or an
`x-uuencode` part) and Outlook's TNEF (`winmail.dat`, application/ms-tnef), unpacked into the
files and the text they carry. Whatever cannot be unpacked stays as it came (nothing is lost).
Pure: bytes and text in, files and text out.
"""

from __future__ import annotations

import binascii
import mimetypes
import re
from dataclasses import dataclass

_BEGIN = re.compile(r"^begin [0-7]{3,4} (\S.*?)\s*$")
UU_ENCODINGS = ("x-uuencode", "uuencode", "uue", "x-uue")
TNEF_TYPES = ("application/ms-tnef", "application/vnd.ms-tnef")


@dataclass
class Unpacked:
    filename: str
    content_type: str
    data: bytes


def content_type_of(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _uu_line(line: str) -> bytes:
    try:
        return binascii.a2b_uu(line)
    except binascii.Error:
        # encoders and mail servers strip trailing spaces: pad the line to the length its count says
        count = (ord(line[0]) - 32) & 63
        return binascii.a2b_uu(line.ljust((count * 4 + 2) // 3 + 1))


def split_uuencoded(text: str) -> tuple[str, list[Unpacked]]:
    """The text without its uuencoded blocks, and the files they hold (a block without its `end`
    line, or one that does not decode, stays in the text as it was)."""
    if "begin " not in text:
        return text, []
    lines = text.split("\n")
    kept: list[str] = []
    files: list[Unpacked] = []
    index = 0
    while index < len(lines):
        found = _BEGIN.match(lines[index].rstrip("\r"))
        if found:
            data = bytearray()
            end = index + 1
            complete = False
            try:
                while end < len(lines):
                    line = lines[end].rstrip("\r")
                    if line == "end":
                        complete = True
                        break
                    if line not in ("", "`", " "):
                        data += _uu_line(line)
                    end += 1
            except (binascii.Error, IndexError):
                complete = False
            if complete:
                name = found.group(1).rsplit("/", 1)[-1] or "file"
                files.append(Unpacked(name, content_type_of(name), bytes(data)))
                index = end + 1
                continue
        kept.append(lines[index])
        index += 1
    return "\n".join(kept), files


@dataclass
class TnefContent:
    files: list[Unpacked]
    text: str | None
    html: str | None


def unpack_tnef(data: bytes) -> TnefContent | None:
    """winmail.dat's files and body, or None when it is not TNEF that can be read."""
    try:
        from tnefparse import TNEF

        tnef = TNEF(data, do_checksum=False)
    except Exception:
        return None
    codepage = tnef.codepage or "cp1252"
    files = []
    for attachment in tnef.attachments:
        try:
            name = attachment.long_filename() or attachment.name
        except Exception:
            name = ""
        name = (name.decode(codepage, "replace") if isinstance(name, bytes) else str(name)).strip("\x00").strip() or f"attachment-{len(files) + 1}"
        payload = attachment.data if isinstance(attachment.data, bytes) else b""
        if payload:
            files.append(Unpacked(name, content_type_of(name), payload))
    return TnefContent(files, _text(tnef.body, codepage), _text(tnef.htmlbody, codepage))


def _text(value: object, codepage: str) -> str | None:
    if isinstance(value, bytes):
        try:
            value = value.decode(codepage)
        except (LookupError, UnicodeDecodeError):
            value = value.decode("cp1252", "replace")
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", "").strip()
    return value or None
