"""Text normalised for search: the same function writes the column and reads the query."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def normalise_name(*parts: str) -> str:
    """Lower case, accents removed, punctuation as single spaces: "Hélène O'Brien-Côté" →
    "helene o brien cote". Accents are dropped so a name typed without them still matches."""
    text = unicodedata.normalize("NFKD", " ".join(parts))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _NOT_WORD.sub(" ", text).strip()


def digits_only(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())
