"""Human messages for every stable error code, in each language Shopdesk speaks."""

from __future__ import annotations

from shopdesk.core.config import LANGUAGES, config

MESSAGES: dict[str, dict[str, str]] = {
    "not_found": {
        "en": "Nothing was found at this address.",
        "es": "No se encontró nada en esta dirección.",
        "pl": "Pod tym adresem niczego nie znaleziono.",
    },
    "contact_not_found": {
        "en": "This contact does not exist (it may have been deleted).",
        "es": "Este contacto no existe (puede que se haya eliminado).",
        "pl": "Ten kontakt nie istnieje (mógł zostać usunięty).",
    },
    "invalid_json": {
        "en": "The request body is not valid JSON.",
        "es": "El cuerpo de la petición no es un JSON válido.",
        "pl": "Treść żądania nie jest poprawnym JSON-em.",
    },
    "validation_failed": {
        "en": "Some fields are not valid.",
        "es": "Algunos campos no son válidos.",
        "pl": "Niektóre pola są nieprawidłowe.",
    },
    "name_required": {
        "en": "A name in the shop's default language is required.",
        "es": "Se requiere un nombre en el idioma predeterminado de la tienda.",
        "pl": "Wymagana jest nazwa w domyślnym języku sklepu.",
    },
    "name_invalid_characters": {
        "en": "The name may not contain any of these characters: < > = { }",
        "es": "El nombre no puede contener ninguno de estos caracteres: < > = { }",
        "pl": "Nazwa nie może zawierać żadnego z tych znaków: < > = { }",
    },
    "too_long": {
        "en": "This text is too long (at most {limit} characters).",
        "es": "Este texto es demasiado largo (como máximo {limit} caracteres).",
        "pl": "Ten tekst jest za długi (najwyżej {limit} znaków).",
    },
    "unknown_language": {
        "en": "Unknown language: only en, es and pl are supported.",
        "es": "Idioma desconocido: solo se admiten en, es y pl.",
        "pl": "Nieznany język: obsługiwane są tylko en, es i pl.",
    },
    "invalid_email": {
        "en": "Invalid e-mail address.",
        "es": "Dirección de correo electrónico no válida.",
        "pl": "Nieprawidłowy adres e-mail.",
    },
    "email_required_without_saving": {
        "en": "A contact that does not save messages needs an e-mail address, or its visitors' messages would be lost.",
        "es": "Un contacto que no guarda los mensajes necesita una dirección de correo; si no, los mensajes de los visitantes se perderían.",
        "pl": "Kontakt, który nie zapisuje wiadomości, musi mieć adres e-mail, inaczej wiadomości odwiedzających zginęłyby.",
    },
    "invalid_boolean": {
        "en": "This field must be true or false.",
        "es": "Este campo debe ser verdadero o falso.",
        "pl": "To pole musi mieć wartość prawda lub fałsz.",
    },
    "invalid_position": {
        "en": "The position must be a whole number of 0 or more.",
        "es": "La posición debe ser un número entero igual o mayor que 0.",
        "pl": "Pozycja musi być liczbą całkowitą równą 0 lub większą.",
    },
    "invalid_order": {
        "en": "The new order must list every contact exactly once.",
        "es": "El nuevo orden debe incluir cada contacto exactamente una vez.",
        "pl": "Nowa kolejność musi zawierać każdy kontakt dokładnie raz.",
    },
    "unknown_field": {
        "en": "This field is not known.",
        "es": "Este campo no es conocido.",
        "pl": "To pole jest nieznane.",
    },
    "unauthorized": {
        "en": "Please sign in: the request carries no valid token.",
        "es": "Inicie sesión: la petición no lleva un token válido.",
        "pl": "Zaloguj się: żądanie nie zawiera ważnego tokenu.",
    },
    "forbidden": {
        "en": "Only administrators may do this.",
        "es": "Solo los administradores pueden hacer esto.",
        "pl": "Tylko administratorzy mogą to zrobić.",
    },
    "not_an_agent": {
        "en": "This account is not part of the support team.",
        "es": "Esta cuenta no forma parte del equipo de soporte.",
        "pl": "To konto nie należy do zespołu obsługi.",
    },
    "method_not_allowed": {
        "en": "This method is not allowed here.",
        "es": "Este método no está permitido aquí.",
        "pl": "Ta metoda nie jest tu dozwolona.",
    },
    "internal_error": {
        "en": "Something went wrong on our side. Please try again in a moment.",
        "es": "Algo ha fallado por nuestra parte. Inténtelo de nuevo en un momento.",
        "pl": "Coś poszło nie tak po naszej stronie. Spróbuj ponownie za chwilę.",
    },
}


def register(catalog: dict[str, dict[str, str]]) -> None:
    """Adds a feature's messages (each feature module keeps its own catalog beside its code)."""
    for code, texts in catalog.items():
        if code in MESSAGES and MESSAGES[code] != texts:
            raise ValueError(f"message code {code!r} is defined twice with different texts")
        MESSAGES[code] = texts


def pick_language(requested: str | None) -> str:
    """The requested language when Shopdesk speaks it, else the shop's default."""
    if requested:
        short = requested.strip().lower()[:2]
        if short in LANGUAGES:
            return short
    return config().default_language


def localized(values: dict[str, str] | None, lang: str) -> str:
    """A text kept per language (a contact's name, a default reply): in `lang`, else in the shop's
    default language, else any we have."""
    values = values or {}
    return values.get(lang) or values.get(config().default_language) or next(iter(values.values()), "")


def message(code: str, lang: str | None = None, **params: object) -> str:
    """The message for `code` in `lang`, falling back to English, then to the code itself."""
    texts = MESSAGES.get(code)
    if not texts:
        return code
    text = texts.get(pick_language(lang)) or texts["en"]
    return text.format(**params) if params else text
