"""Words for search: what a text is indexed under and what a query looks for (docs/data-model.md,
"Search").

Case and diacritics never matter (`Wiśniewska` is `wisniewska`, `ZAŻÓŁĆ` is `zazolc`, `Straße`
is `strasse`). A term is a run of letters and digits; runs joined by `.`, `@`, `-`, `_`, `+` or
`/` (an address, a domain, an order reference `ABC-1234/26`) are also kept whole, an address also
by its local part and its domain, and an order reference also with its parts run together, so
`abc1234` finds `ABC-1234`. A query word matches every indexed term it starts (word prefix).
"""

from __future__ import annotations

import re
import unicodedata

MIN_TERM = 2
MAX_TERM = 64
# Letters NFKD does not take apart (a stroke or a ligature is not a combining mark).
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ŀ": "l", "þ": "th", "ß": "ss", "æ": "ae", "œ": "oe", "ĸ": "k"})
_COMPOUND = re.compile(r"[^\W_]+(?:[.@\-_+/][^\W_]+)*")
_PART = re.compile(r"[^\W_]+")


def fold(text: str | None) -> str:
    """Lower case, diacritics removed, stroked letters and ligatures spelled out."""
    text = text or ""
    if text.isascii():  # most words of most mails: nothing to take apart or spell out
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_FOLD)


def _keep(term: str) -> bool:
    return MIN_TERM <= len(term) <= MAX_TERM


def _compound_terms(compound: str) -> set[str]:
    parts = _PART.findall(compound)
    found = {p for p in parts if _keep(p)}
    if len(parts) > 1:
        found.add(compound[:MAX_TERM])
        if "@" in compound:
            local, _, domain = compound.rpartition("@")
            found.update(t for t in (local, domain) if _keep(t))
        else:
            joined = "".join(parts)
            if _keep(joined):
                found.add(joined)
    return found


def index_terms(*texts: str | None) -> set[str]:
    """Every term the texts are found by (a prefix of one finds it too)."""
    found: set[str] = set()
    for text in texts:
        for compound in _COMPOUND.findall(fold(text)):
            found |= _compound_terms(compound)
    return found


def query_terms(query: str | None) -> list[str]:
    """What a search looks for: each word of the query, folded (an address or a reference whole);
    every one must match. Words that only repeat the start of another are dropped."""
    words: list[str] = []
    for compound in _COMPOUND.findall(fold(query)):
        term = compound[:MAX_TERM]
        if len(term) >= MIN_TERM and term not in words:
            words.append(term)
    return [w for w in words if not any(o != w and o.startswith(w) for o in words)]


def matches(term: str, indexed: set[str] | frozenset[str]) -> bool:
    """Whether a query term starts any of the indexed terms."""
    return any(word.startswith(term) for word in indexed)
