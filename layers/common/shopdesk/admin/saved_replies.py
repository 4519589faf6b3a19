"""The saved-reply library admins keep: a title and a text per language (en, es,
pl), each text free to use the variables of core.reply_variables (an unknown one is refused)."""

from __future__ import annotations

from typing import Any

from shopdesk.core.config import LANGUAGES
from shopdesk.core.i18n import register
from shopdesk.core.reply_variables import VARIABLES, unknown_variables
from shopdesk.core.validation import Checker
from shopdesk.store import saved_replies as store
from shopdesk.store.saved_reply_items import SavedReply

register(
    {
        "saved_reply_not_found": {
            "en": "This saved reply does not exist (it may have been deleted).",
            "es": "Esta respuesta guardada no existe (puede que se haya eliminado).",
            "pl": "Ta zapisana odpowiedź nie istnieje (mogła zostać usunięta).",
        },
        "saved_reply_text_required": {
            "en": "Write the reply in at least one language.",
            "es": "Escriba la respuesta en al menos un idioma.",
            "pl": "Napisz odpowiedź w co najmniej jednym języku.",
        },
        "saved_reply_title_required": {
            "en": "Give the saved reply a title (agents search by it).",
            "es": "Dé un título a la respuesta guardada (los agentes la buscan por él).",
            "pl": "Nadaj zapisanej odpowiedzi tytuł (po nim agenci ją wyszukują).",
        },
        "unknown_variable": {
            "en": "Unknown variable {name}: use one of {known}.",
            "es": "Variable desconocida {name}: use una de {known}.",
            "pl": "Nieznana zmienna {name}: użyj jednej z {known}.",
        },
    }
)

TITLE_LIMIT = 120
TEXT_LIMIT = 20000


def _checked(body: dict[str, Any]) -> tuple[str, dict[str, str]]:
    check = Checker()
    title = check.text("title", body.get("title"), TITLE_LIMIT)
    if not title and not any(e.field == "title" for e in check.errors):
        check.fail("title", "saved_reply_title_required")
    raw = body.get("texts")
    texts: dict[str, str] = {}
    if not isinstance(raw, dict):
        check.fail("texts", "saved_reply_text_required")
    else:
        for language in LANGUAGES:
            text = check.text(f"texts.{language}", raw.get(language), TEXT_LIMIT)
            for name in unknown_variables(text):
                check.fail(f"texts.{language}", "unknown_variable", name="{" + name + "}", known=", ".join("{" + v + "}" for v in VARIABLES))
            if text:
                texts[language] = text
        if not texts:
            check.fail("texts", "saved_reply_text_required")
    check.done()
    return title, texts


def list_saved_replies() -> list[SavedReply]:
    return store.library()


def create_saved_reply(body: dict[str, Any]) -> SavedReply:
    title, texts = _checked(body)
    return store.put_saved_reply(None, title, texts)


def update_saved_reply(reply_id: str, body: dict[str, Any]) -> SavedReply:
    title, texts = _checked(body)
    return store.put_saved_reply(reply_id, title, texts)


def delete_saved_reply(reply_id: str) -> None:
    store.delete_saved_reply(reply_id)
