"""Arabic-aware text normalisation for search (pure Python, no Django).

Readers type the same word many ways: with or without diacritics and tatweel, with أ/إ/آ or ا,
ى or ي, ة or ه. Folding both the stored text and the query to one form lets either match.
"""

import re
import unicodedata

_DIACRITICS = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]"
)  # harakat, Quranic marks, tatweel
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_ARABIC_INDIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower-case, fold Arabic letter variants, drop diacritics and tatweel, unify digits and spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _DIACRITICS.sub("", text)
    text = text.translate(_FOLD).translate(_ARABIC_INDIC_DIGITS)
    return _SPACES.sub(" ", text.casefold()).strip()
