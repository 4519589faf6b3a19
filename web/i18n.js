// The page's words in every language Shopdesk speaks (SPEC §8), and the switch between them.
//
// Static labels carry data-i18n="key" (and data-i18n-attrs for attributes such as aria-label):
// switching the language re-translates them in place, so a half-filled form keeps its values.

import { LANGUAGES } from "./vocabulary.js";
import { WORDS } from "./words.js";
import { REPLY_KIT_WORDS } from "./words-replies.js";

// The languages come from shopdesk.core.vocabulary (web/vocabulary.js, generated): never listed here.
export { LANGUAGES };
const CODES = LANGUAGES.map((language) => language.code);
const FALLBACK = "en";
const STORAGE_KEY = "shopdesk.language";

const MESSAGES = {
  en: {
    "app.loading": "Loading…",
    "app.skip": "Skip to content",
    "app.configError": "The page could not load its settings. Check your connection and try again.",
    "app.retry": "Try again",
    "app.language": "Language",
    "nav.label": "Main",
    "nav.home": "Customer service",
    "nav.contacts": "Contacts",
    "user.signedInAs": "Signed in as",
    "user.admin": "admin",
    "user.signOut": "Sign out",
    "signin.title": "Sign in",
    "signin.intro": "Sign in to answer your customers.",
    "signin.email": "E-mail",
    "signin.password": "Password",
    "signin.submit": "Sign in",
    "signin.busy": "Signing in…",
    "signin.missing": "Enter your e-mail and your password.",
    "signin.wrong": "Wrong e-mail or password. Please try again.",
    "signin.network": "The sign-in service could not be reached. Check your connection and try again.",
    "signin.tooMany": "Too many attempts. Wait a few minutes and try again.",
    "signin.challenge": "This account must set a new password first. Please ask an administrator.",
    "signin.resetRequired": "This account's password must be reset. Please ask an administrator.",
    "signin.notConfirmed": "This account is not confirmed yet. Please ask an administrator.",
    "signin.failed": "Sign-in failed. Please try again.",
    "session.expired": "Your session has ended. Please sign in again.",
    "session.signedOut": "You have signed out.",
    "session.notAgent": "This account is not part of the support team.",
    "error.network": "The server could not be reached. Check your connection and try again.",
    "error.unexpected": "Something went wrong. Please try again.",
    "home.title": "Customer service",
    "home.signedInAs": "Signed in as {email}.",
    "home.contactsText": "The destinations visitors choose on the contact form, and where their messages go.",
    "contacts.title": "Contacts",
    "contacts.intro": "Visitors choose one of these on the contact form, in this order.",
    "contacts.add": "Add contact",
    "contacts.colPosition": "Position",
    "contacts.colName": "Name",
    "contacts.colEmail": "E-mail",
    "contacts.colSaves": "Saves messages",
    "contacts.colActions": "Actions",
    "contacts.yes": "Yes",
    "contacts.no": "No",
    "contacts.noEmail": "No e-mail",
    "contacts.empty": "There are no contacts yet.",
    "contacts.moveUp": "Move up",
    "contacts.moveDown": "Move down",
    "contacts.moveUpNamed": "Move {name} up",
    "contacts.moveDownNamed": "Move {name} down",
    "contacts.edit": "Edit",
    "contacts.editNamed": "Edit {name}",
    "contacts.delete": "Delete",
    "contacts.deleteNamed": "Delete {name}",
    "contacts.created": "Contact added.",
    "contacts.saved": "Contact saved.",
    "contacts.deleted": "Contact “{name}” deleted.",
    "contacts.moved": "New order saved.",
    "contacts.confirmTitle": "Delete this contact?",
    "contacts.confirmText": "“{name}” will no longer be offered on the contact form. Threads already received keep their messages.",
    "common.cancel": "Cancel",
    "form.newTitle": "Add contact",
    "form.editTitle": "Edit contact",
    "form.name": "Name",
    "form.description": "Description",
    "form.required": "required",
    "form.email": "E-mail",
    "form.emailHint": "New messages for this contact are sent to this address.",
    "form.saveMessages": "Save messages in Shopdesk",
    "form.saveMessagesHint": "When off, messages are only sent by e-mail, so an e-mail address is needed.",
    "form.save": "Save",
    "form.saving": "Saving…",
    "form.back": "Back to contacts",
    "form.adminOnly": "Only administrators can change contacts.",
    "lang.en": "English",
    "lang.es": "Spanish",
    "lang.pl": "Polish",
    "notFound.title": "Page not found",
    "notFound.text": "There is nothing at this address.",
    "notFound.home": "Go to the home page",
  },
  es: {
    "app.loading": "Cargando…",
    "app.skip": "Saltar al contenido",
    "app.configError": "La página no pudo cargar su configuración. Compruebe su conexión e inténtelo de nuevo.",
    "app.retry": "Reintentar",
    "app.language": "Idioma",
    "nav.label": "Principal",
    "nav.home": "Servicio al cliente",
    "nav.contacts": "Contactos",
    "user.signedInAs": "Sesión iniciada como",
    "user.admin": "administrador",
    "user.signOut": "Cerrar sesión",
    "signin.title": "Iniciar sesión",
    "signin.intro": "Inicie sesión para atender a sus clientes.",
    "signin.email": "Correo electrónico",
    "signin.password": "Contraseña",
    "signin.submit": "Iniciar sesión",
    "signin.busy": "Iniciando sesión…",
    "signin.missing": "Introduzca su correo electrónico y su contraseña.",
    "signin.wrong": "Correo electrónico o contraseña incorrectos. Inténtelo de nuevo.",
    "signin.network": "No se pudo contactar con el servicio de inicio de sesión. Compruebe su conexión e inténtelo de nuevo.",
    "signin.tooMany": "Demasiados intentos. Espere unos minutos e inténtelo de nuevo.",
    "signin.challenge": "Esta cuenta debe establecer primero una contraseña nueva. Consulte a un administrador.",
    "signin.resetRequired": "Hay que restablecer la contraseña de esta cuenta. Consulte a un administrador.",
    "signin.notConfirmed": "Esta cuenta aún no está confirmada. Consulte a un administrador.",
    "signin.failed": "No se pudo iniciar sesión. Inténtelo de nuevo.",
    "session.expired": "Su sesión ha terminado. Inicie sesión de nuevo.",
    "session.signedOut": "Ha cerrado la sesión.",
    "session.notAgent": "Esta cuenta no forma parte del equipo de soporte.",
    "error.network": "No se pudo contactar con el servidor. Compruebe su conexión e inténtelo de nuevo.",
    "error.unexpected": "Algo ha fallado. Inténtelo de nuevo.",
    "home.title": "Atención al cliente",
    "home.signedInAs": "Sesión iniciada como {email}.",
    "home.contactsText": "Los destinos que eligen los visitantes en el formulario de contacto, y adónde van sus mensajes.",
    "contacts.title": "Contactos",
    "contacts.intro": "Los visitantes eligen uno de ellos en el formulario de contacto, en este orden.",
    "contacts.add": "Añadir contacto",
    "contacts.colPosition": "Posición",
    "contacts.colName": "Nombre",
    "contacts.colEmail": "Correo electrónico",
    "contacts.colSaves": "Guarda los mensajes",
    "contacts.colActions": "Acciones",
    "contacts.yes": "Sí",
    "contacts.no": "No",
    "contacts.noEmail": "Sin correo",
    "contacts.empty": "Todavía no hay contactos.",
    "contacts.moveUp": "Subir",
    "contacts.moveDown": "Bajar",
    "contacts.moveUpNamed": "Subir {name}",
    "contacts.moveDownNamed": "Bajar {name}",
    "contacts.edit": "Editar",
    "contacts.editNamed": "Editar {name}",
    "contacts.delete": "Eliminar",
    "contacts.deleteNamed": "Eliminar {name}",
    "contacts.created": "Contacto añadido.",
    "contacts.saved": "Contacto guardado.",
    "contacts.deleted": "Contacto «{name}» eliminado.",
    "contacts.moved": "Nuevo orden guardado.",
    "contacts.confirmTitle": "¿Eliminar este contacto?",
    "contacts.confirmText": "«{name}» dejará de ofrecerse en el formulario de contacto. Las conversaciones ya recibidas conservan sus mensajes.",
    "common.cancel": "Cancelar",
    "form.newTitle": "Añadir contacto",
    "form.editTitle": "Editar contacto",
    "form.name": "Nombre",
    "form.description": "Descripción",
    "form.required": "obligatorio",
    "form.email": "Correo electrónico",
    "form.emailHint": "Los mensajes nuevos para este contacto se envían a esta dirección.",
    "form.saveMessages": "Guardar los mensajes en Shopdesk",
    "form.saveMessagesHint": "Si está desactivado, los mensajes solo se envían por correo, así que hace falta una dirección.",
    "form.save": "Guardar",
    "form.saving": "Guardando…",
    "form.back": "Volver a los contactos",
    "form.adminOnly": "Solo los administradores pueden modificar los contactos.",
    "lang.en": "Inglés",
    "lang.es": "Español",
    "lang.pl": "Polaco",
    "notFound.title": "Página no encontrada",
    "notFound.text": "No hay nada en esta dirección.",
    "notFound.home": "Ir a la página de inicio",
  },
  pl: {
    "app.loading": "Ładowanie…",
    "app.skip": "Przejdź do treści",
    "app.configError": "Nie udało się wczytać ustawień strony. Sprawdź połączenie i spróbuj ponownie.",
    "app.retry": "Spróbuj ponownie",
    "app.language": "Język",
    "nav.label": "Główne",
    "nav.home": "Obsługa klienta",
    "nav.contacts": "Kontakty",
    "user.signedInAs": "Zalogowano jako",
    "user.admin": "administrator",
    "user.signOut": "Wyloguj",
    "signin.title": "Logowanie",
    "signin.intro": "Zaloguj się, aby odpowiadać klientom.",
    "signin.email": "E-mail",
    "signin.password": "Hasło",
    "signin.submit": "Zaloguj się",
    "signin.busy": "Logowanie…",
    "signin.missing": "Podaj e-mail i hasło.",
    "signin.wrong": "Nieprawidłowy e-mail lub hasło. Spróbuj ponownie.",
    "signin.network": "Nie udało się połączyć z usługą logowania. Sprawdź połączenie i spróbuj ponownie.",
    "signin.tooMany": "Zbyt wiele prób. Odczekaj kilka minut i spróbuj ponownie.",
    "signin.challenge": "To konto musi najpierw ustawić nowe hasło. Zwróć się do administratora.",
    "signin.resetRequired": "Hasło tego konta musi zostać zresetowane. Zwróć się do administratora.",
    "signin.notConfirmed": "To konto nie zostało jeszcze potwierdzone. Zwróć się do administratora.",
    "signin.failed": "Logowanie nie powiodło się. Spróbuj ponownie.",
    "session.expired": "Twoja sesja wygasła. Zaloguj się ponownie.",
    "session.signedOut": "Wylogowano.",
    "session.notAgent": "To konto nie należy do zespołu obsługi.",
    "error.network": "Nie udało się połączyć z serwerem. Sprawdź połączenie i spróbuj ponownie.",
    "error.unexpected": "Coś poszło nie tak. Spróbuj ponownie.",
    "home.title": "Obsługa klienta",
    "home.signedInAs": "Zalogowano jako {email}.",
    "home.contactsText": "Adresaci, których odwiedzający wybierają w formularzu kontaktowym, i miejsce, do którego trafiają ich wiadomości.",
    "contacts.title": "Kontakty",
    "contacts.intro": "Odwiedzający wybierają jeden z nich w formularzu kontaktowym, w tej kolejności.",
    "contacts.add": "Dodaj kontakt",
    "contacts.colPosition": "Pozycja",
    "contacts.colName": "Nazwa",
    "contacts.colEmail": "E-mail",
    "contacts.colSaves": "Zapisuje wiadomości",
    "contacts.colActions": "Akcje",
    "contacts.yes": "Tak",
    "contacts.no": "Nie",
    "contacts.noEmail": "Brak e-maila",
    "contacts.empty": "Nie ma jeszcze żadnych kontaktów.",
    "contacts.moveUp": "W górę",
    "contacts.moveDown": "W dół",
    "contacts.moveUpNamed": "Przesuń {name} w górę",
    "contacts.moveDownNamed": "Przesuń {name} w dół",
    "contacts.edit": "Edytuj",
    "contacts.editNamed": "Edytuj {name}",
    "contacts.delete": "Usuń",
    "contacts.deleteNamed": "Usuń {name}",
    "contacts.created": "Kontakt dodany.",
    "contacts.saved": "Kontakt zapisany.",
    "contacts.deleted": "Kontakt „{name}” usunięty.",
    "contacts.moved": "Nowa kolejność zapisana.",
    "contacts.confirmTitle": "Usunąć ten kontakt?",
    "contacts.confirmText": "„{name}” nie będzie już dostępny w formularzu kontaktowym. Otrzymane już wątki zachowają swoje wiadomości.",
    "common.cancel": "Anuluj",
    "form.newTitle": "Dodaj kontakt",
    "form.editTitle": "Edytuj kontakt",
    "form.name": "Nazwa",
    "form.description": "Opis",
    "form.required": "wymagane",
    "form.email": "E-mail",
    "form.emailHint": "Nowe wiadomości do tego kontaktu są wysyłane na ten adres.",
    "form.saveMessages": "Zapisuj wiadomości w Shopdesk",
    "form.saveMessagesHint": "Gdy wyłączone, wiadomości są tylko wysyłane e-mailem, więc potrzebny jest adres e-mail.",
    "form.save": "Zapisz",
    "form.saving": "Zapisywanie…",
    "form.back": "Wróć do kontaktów",
    "form.adminOnly": "Tylko administratorzy mogą zmieniać kontakty.",
    "lang.en": "Angielski",
    "lang.es": "Hiszpański",
    "lang.pl": "Polski",
    "notFound.title": "Nie znaleziono strony",
    "notFound.text": "Pod tym adresem niczego nie ma.",
    "notFound.home": "Przejdź do strony startowej",
  },
};

for (const code of CODES) Object.assign(MESSAGES[code], WORDS[code]);
for (const code of CODES) Object.assign(MESSAGES[code], REPLY_KIT_WORDS[code]);

const listeners = new Set();
let current = initialLanguage();

function supported(code) {
  const short = String(code || "").trim().toLowerCase().slice(0, 2);
  return CODES.includes(short) ? short : null;
}

function stored() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage may be disabled; the browser's language still applies
  }
}

function initialLanguage() {
  const remembered = supported(stored());
  if (remembered) return remembered;
  for (const code of navigator.languages || [navigator.language]) {
    const match = supported(code);
    if (match) return match;
  }
  return FALLBACK;
}

/** Every label of a language (a copy): the tests check that no English label is left in es/pl. */
export function labels(code) {
  return { ...MESSAGES[supported(code) || FALLBACK] };
}

export function language() {
  return current;
}

/** The text for `key` in the current language, with {placeholders} filled from `params`. */
export function t(key, params = {}) {
  // With a numeric {count}, "key.one" / "key.few" / "key.many"… (Intl.PluralRules) wins when present.
  const plural = typeof params.count === "number" ? MESSAGES[current][`${key}.${new Intl.PluralRules(current).select(params.count)}`] : undefined;
  const text = plural ?? MESSAGES[current][key] ?? MESSAGES[FALLBACK][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** The text of a per-language value ({en, es, pl}) in the UI language, else English, else any. */
export function pick(values) {
  const texts = values || {};
  return texts[current] || texts[FALLBACK] || Object.values(texts).find(Boolean) || "";
}

/** Re-translates every element under `root` that carries data-i18n or data-i18n-attrs. */
export function translateTree(root = document) {
  for (const element of root.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n, readParams(element));
  }
  for (const element of root.querySelectorAll("[data-i18n-attrs]")) {
    const attributes = JSON.parse(element.dataset.i18nAttrs);
    for (const [attribute, key] of Object.entries(attributes)) {
      element.setAttribute(attribute, t(key, readParams(element)));
    }
  }
}

function readParams(element) {
  return element.dataset.i18nParams ? JSON.parse(element.dataset.i18nParams) : {};
}

export function setLanguage(code) {
  const next = supported(code) || FALLBACK;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not remembered across visits, but the switch still works for this one
  }
  if (next === current) return;
  current = next;
  document.documentElement.lang = next;
  translateTree(document);
  for (const listener of listeners) listener(next);
}

/** Calls `listener(code)` after each language switch; returns a function that stops it. */
export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
