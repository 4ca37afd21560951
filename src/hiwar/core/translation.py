"""Text in several languages, stored as {"ar": "…", "en": "…"} in a JSONField.

Display falls back along a fixed order so a reader always sees something: the active
language, then Arabic, then English, then whichever language has text.
"""

from django.conf import settings
from django.utils.translation import get_language

FALLBACK_ORDER = ("ar", "en")


def pick(text: dict | str | None, language: str | None = None) -> str:
    if not text:
        return ""
    if isinstance(text, str):
        return text
    language = language or get_language() or settings.LANGUAGE_CODE
    for code in (language, *FALLBACK_ORDER, *settings.LANGUAGE_CODES):
        value = text.get(code)
        if value:
            return value
    return next((value for value in text.values() if value), "")


def pick_with_language(text: dict | str | None, language: str | None = None) -> tuple[str, str]:
    """The text and the language it is actually in, so templates can mark `lang` on fallbacks."""
    if not text:
        return "", ""
    if isinstance(text, str):
        return text, ""
    language = language or get_language() or settings.LANGUAGE_CODE
    for code in (language, *FALLBACK_ORDER, *settings.LANGUAGE_CODES):
        if text.get(code):
            return text[code], code
    return "", ""


def clean_translations(value: dict | None) -> dict:
    """Keep known languages with non-blank text, stripped."""
    if not value:
        return {}
    return {
        code: str(value[code]).strip()
        for code in settings.LANGUAGE_CODES
        if str(value.get(code) or "").strip()
    }
