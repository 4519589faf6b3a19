"""The new text of a reply: what the customer wrote, apart from the quoted history below (or above) it.

Mail clients quote in many languages and shapes ("On … wrote:", "-----Original Message-----",
an Outlook header block, "> " lines); the thread shows the new text and keeps the whole text, so a
wrong cut loses nothing. Pure text in, text out.
"""

from __future__ import annotations

import re

_ATTRIBUTION_END = re.compile(
    r"\b(wrote|writes|schrieb|a\s+écrit|escribió|ha\s+escrito|ha scritto|scrisse|geschreven|schreef|skrev|napisała?|pisze|написал|escreveu)(\(a\)|\(а\))?[^\n]{0,200}:\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION_START = re.compile(
    r"^(on|am|le|el|il|op|den|em|dnia|w dniu|\d)\b|\b(schrieb am|wrote on)\b|<[^>]+@[^>]+>|,\s*\d|\S+@\S+", re.IGNORECASE
)
# The "original message" and "forwarded message" lines of webmail, Gmail, Outlook, Thunderbird
# and Apple Mail in the languages customers write in (dashes of any length, or none with a colon).
_MARKERS = (
    r"original message|original-nachricht|original nachricht|ursprüngliche nachricht|mensaje original|mensagem original|"
    r"message d'origine|message original|messaggio originale|oorspronkelijk bericht|origineel bericht|originalmeddelande|"
    r"wiadomość oryginalna|oryginalna wiadomość|исходное сообщение|"
    r"forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado|messaggio inoltrato|"
    r"doorgestuurd bericht|przekazana wiadomość|wiadomość przekazana|mensagem encaminhada|mensagem reencaminhada|"
    r"begin forwarded message|anfang der weitergeleiteten nachricht|début du message réexpédié|inicio del mensaje reenviado|"
    r"inizio messaggio inoltrato|begin doorgestuurd bericht|início da mensagem reencaminhada|początek przekazanej wiadomości"
)
_ORIGINAL = re.compile(
    rf"^\s*(-{{2,}}\s*({_MARKERS})\s*:?\s*-{{2,}}|({_MARKERS})\s*:|-{{2,}}\s*({_MARKERS})\s*:?|_{{10,}}|-{{10,}})\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*\*?(from|von|de|da|från|van|od|от|fra)\s?:\*?\s*\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\*?(sent|date|gesendet|enviado|enviada em|envoyé|inviato|data|skickat|datum|wysłano|verzonden|verstuurd|отправлено|sendt|to|an|para|à|a|till|aan|do|кому|subject|betreff|asunto|objet|oggetto|ämne|onderwerp|temat|тема|reply-to|risposta)\s?:",
    re.IGNORECASE,
)
# Mail clients' "sent from" footers the reply trimmer removes (the corpus keeps the English one).
_CLIENT_FOOTER = re.compile(r"^(sendt fra min|gesendet von meinem|envoyé de mon|enviado desde mi|inviato da|skickat från min|verzonden vanaf|wysłane z)\b", re.IGNORECASE)


def _is_quote(line: str) -> bool:
    return line.lstrip().startswith(">")


def _separator_at(lines: list[str], index: int) -> int:
    """How many lines the quoted-history separator starting at `index` spans (0: none)."""
    line = lines[index].strip()
    if not line:
        return 0
    if _ORIGINAL.match(line):
        return 1
    if _HEADER_FROM.match(line):
        following = [candidate for candidate in lines[index + 1 : index + 5] if candidate.strip()]
        if following and _HEADER_NEXT.match(following[0]):
            return 1
    # an attribution line, possibly wrapped over up to three lines
    for span in (1, 2, 3):
        block = lines[index : index + span]
        if len(block) < span or not all(part.strip() for part in block) or any(_is_quote(part) for part in block):
            break
        joined = " ".join(part.strip() for part in block)
        if len(joined) > 300:
            break
        if _ATTRIBUTION_END.search(joined) and _ATTRIBUTION_START.search(block[0]):
            return span
    return 0


def strip_quoted(text: str) -> str:
    """The new text of a reply: what the customer wrote above (or, bottom-posted, below) the quote."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = None
    for index in range(len(lines)):
        if _is_quote(lines[index]):
            cut = index
            break
        if _separator_at(lines, index):
            cut = index
            break
    if cut is None:
        return "\n".join(lines).strip()
    above = lines[:cut]
    if "\n".join(above).strip():
        new = _without_signature(above)
    else:
        # bottom-posting: the text after the quoted block(s), without attribution lines
        below: list[str] = []
        index = cut
        while index < len(lines):
            span = _separator_at(lines, index)
            if span:
                index += span
                continue
            if not _is_quote(lines[index]):
                below.append(lines[index])
            index += 1
        new = below
    result = "\n".join(new).strip()
    return result or "\n".join(lines).strip()


def _without_signature(lines: list[str]) -> list[str]:
    """Drops a '--' signature block (a bare delimiter) and a localized mobile footer before the quote."""
    for index, line in enumerate(lines):
        if line.rstrip("\n") == "--":
            lines = lines[:index]
            break
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if lines and _CLIENT_FOOTER.match(lines[-1].strip()):
        lines = lines[:-1]
    return lines
