"""A MIME part's text: its bytes decoded in the charset it really uses, and HTML flattened to text.

Senders mislabel charsets: GB2312 labels carry GB18030 characters, an "unknown-8bit" or missing
label hides Windows-1252 or UTF-8. The label is tried first (widened to its superset), then
UTF-8, then charset-normalizer's guess, and only then Latin-1, which never fails, so a part is
never lost to its charset. HTML is cleaned with nh3 (no script, style or attribute survives) and
flattened: block elements, table cells and <pre> lines stay apart. Pure: no AWS.
"""

from __future__ import annotations

import re
from email.message import Message
from html.parser import HTMLParser
from typing import Any

import nh3

# Labels whose real repertoire is a superset: decoding with the superset loses nothing.
_WIDER = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-8859-1": "windows-1252",
    "latin1": "windows-1252",
    "us-ascii": "windows-1252",
    "ascii": "windows-1252",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "sjis": "cp932",
    "unicode-1-1-utf-7": "utf-7",
}


def decode_bytes(payload: bytes, label: str | None) -> str:
    """Text from bytes labelled `label` (or not at all), whatever the label got wrong."""
    label = (label or "").strip().strip('"').lower()
    candidates: list[str] = []
    if label and label not in ("unknown-8bit", "x-unknown", "unknown", "8bit", "binary"):
        candidates.append(_WIDER.get(label, label))
    candidates.append("utf-8")
    for candidate in candidates:
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    guess = _guess(payload)
    if guess is not None:
        return guess
    return payload.decode("windows-1252", "replace")


def _guess(payload: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - shipped in the layer
        return None
    best = from_bytes(payload).best()
    return str(best) if best is not None else None


def part_text(part: Message) -> str:
    """A non-multipart part's text, decoded from its transfer encoding and its charset."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if payload is None:
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    try:
        label = part.get_content_charset()
    except Exception:
        label = None
    return decode_bytes(payload, label)


class _TextFromHtml(HTMLParser):
    """Flattens cleaned HTML: block elements become line breaks, cells are set apart by a tab,
    <pre> keeps its lines, blockquotes become '> ' lines."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "hr", "pre"}
    CELLS = {"td", "th"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.quote = 0
        self.pre = 0
        self.cell_open = False

    def _newline(self) -> None:
        if self.lines[-1].strip(" >"):
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "blockquote":
            self._newline()
            self.quote += 1
        elif tag in self.CELLS:
            if self.cell_open and self.lines[-1].strip(" >"):
                self.lines[-1] += "\t"
            self.cell_open = True
        elif tag in self.BLOCKS:
            if tag == "br":
                self.lines.append("")
            else:
                self._newline()
            if tag == "pre":
                self.pre += 1
            if tag == "tr":
                self.cell_open = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self._newline()
            self.quote = max(0, self.quote - 1)
        elif tag in self.BLOCKS:
            self._newline()
            if tag == "pre":
                self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if self.pre:
            first, *rest = data.replace("\r\n", "\n").split("\n")
            self._add(first, keep=True)
            for line in rest:
                self.lines.append("")
                self._add(line, keep=True)
            return
        data = re.sub(r"\s+", " ", data.replace("\xa0", " "))
        if not data.strip() and not self.lines[-1]:
            return
        self._add(data, keep=False)

    def _add(self, data: str, keep: bool) -> None:
        if not self.lines[-1] and self.quote:
            self.lines[-1] = "> " * self.quote
        self.lines[-1] += data if keep or self.lines[-1].strip(" >") else data.lstrip()


def html_to_text(html: str) -> str:
    """Clean text from HTML: nh3 drops scripts, styles and every attribute; the rest is flattened."""
    cleaned = nh3.clean(html, tags=_TextFromHtml.BLOCKS | _TextFromHtml.CELLS | {"blockquote", "span", "a", "b", "i", "strong", "em"}, attributes={})
    parser = _TextFromHtml()
    parser.feed(cleaned)
    parser.close()
    lines = [line.rstrip() for line in parser.lines]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
