"""Normalising company names so that the same firm printed two ways matches itself."""

import re
import unicodedata

_OPENING = str.maketrans({"【": "(", "[": "(", "〔": "(", "［": "(", "】": ")", "]": ")", "〕": ")", "］": ")"})
_WHITESPACE = re.compile(r"\s+")


def normalize_name(name: str) -> str:
    """NFKC (full-width to half-width), unified brackets, no whitespace, case-folded Latin letters."""
    text = unicodedata.normalize("NFKC", name or "").translate(_OPENING)
    return _WHITESPACE.sub("", text).casefold()
