"""One list of languages and statuses (shopdesk.core.vocabulary): Python, the page and the OpenAPI
documents spell them alike, and the page's words name every one of them in every language."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from shopdesk.core import config, vocabulary
from shopdesk.store import models

from local.vocabulary import PAGE_MODULE, page_module

ROOT = Path(__file__).resolve().parents[3]
WEB = ROOT / "web"
LISTS = {"languages": list(vocabulary.LANGUAGES), "statuses": list(vocabulary.STATUSES)}


def test_python_reads_the_one_list() -> None:
    assert config.LANGUAGES is vocabulary.LANGUAGES
    assert models.STATUSES is vocabulary.STATUSES
    assert set(vocabulary.LANGUAGE_NAMES) == set(vocabulary.LANGUAGES)


def test_the_pages_vocabulary_is_what_make_vocabulary_writes() -> None:
    assert PAGE_MODULE.read_text(encoding="utf-8") == page_module(), "web/vocabulary.js is stale: run `make vocabulary`"


def test_no_other_page_file_repeats_the_lists() -> None:
    repeated = re.compile(r"""["']pending1["']\s*,\s*["']pending2["']|code:\s*["']es["']|\[\s*["']en["']\s*,\s*["']es["']""")
    offenders = [
        str(path.relative_to(ROOT)) for path in WEB.rglob("*.js") if path != PAGE_MODULE and repeated.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def _words_by_language(path: Path) -> dict[str, set[str]]:
    """The keys of each language's block ("  en: {" … "  },") of a words file."""
    words: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if opened := re.match(r"^  ([a-z]{2}): \{$", line):
            current = words.setdefault(opened[1], set())
        elif line.startswith("  }"):
            current = None
        elif current is not None and (key := re.match(r'^\s+"([^"]+)":', line)):
            current.add(key[1])
    return words


def test_the_page_has_words_for_every_language_and_status_in_every_language() -> None:
    messages, words = _words_by_language(WEB / "i18n.js"), _words_by_language(WEB / "words.js")
    assert list(messages) == list(words) == LISTS["languages"]
    for language in vocabulary.LANGUAGES:
        keys = messages[language] | words[language]
        needed = {f"lang.{code}" for code in vocabulary.LANGUAGES}
        needed |= {f"status.{status}" for status in vocabulary.STATUSES} | {f"status.{status}.meaning" for status in vocabulary.STATUSES}
        assert needed - keys == set(), language


def _enums(document: Any) -> Iterator[list[Any]]:
    if isinstance(document, dict):
        if isinstance(document.get("enum"), list):
            yield document["enum"]
        for value in document.values():
            yield from _enums(value)
    elif isinstance(document, list):
        for value in document:
            yield from _enums(value)


@pytest.mark.parametrize("name", ["agents", "public"])
def test_every_openapi_enum_that_names_a_language_or_a_status_lists_them_all_in_order(name: str) -> None:
    document = json.loads((ROOT / "docs" / "openapi" / f"{name}.json").read_text())
    found = {"languages": 0, "statuses": 0}
    for enum in _enums(document):
        for kind, expected in LISTS.items():
            if set(enum) & set(expected):
                assert enum == expected, f"{name}.json lists {enum}, shopdesk.core.vocabulary {expected}"
                found[kind] += 1
    assert found["languages"] > 0 and (found["statuses"] > 0 or name == "public")


def test_the_reply_kits_words_have_the_same_keys_in_every_language() -> None:
    words = _words_by_language(WEB / "words-replies.js")
    assert list(words) == LISTS["languages"]
    assert all(words[language] == words["en"] for language in words)
