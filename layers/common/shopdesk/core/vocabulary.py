"""The words every part of Shopdesk must spell alike: the languages it speaks and a thread's statuses.

One list, read by the configuration and the store, by the OpenAPI documents (their `enum`s) and,
through the generated `web/vocabulary.js` (`make vocabulary`), by the agents' page. A new language
or status is added here; tests/unit/pure/test_vocabulary.py fails until the page, its words and
the OpenAPI documents follow.
"""

from __future__ import annotations

# SPEC §8: the page, the form, the mails and the API's messages exist in each of them.
LANGUAGES: tuple[str, ...] = ("en", "es", "pl")
# Each language's name in itself, as the language pickers show it.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "es": "Español", "pl": "Polski"}
# SPEC §4: a thread is open, closed, or put aside to answer later (pending 1 and 2).
STATUSES: tuple[str, ...] = ("open", "closed", "pending1", "pending2")
# SPEC §1: the Cognito groups of the team; an admin may also configure the desk.
ADMIN_GROUP = "admin"
AGENT_GROUP = "agent"
