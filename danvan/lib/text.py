"""Vietnamese text helpers that know nothing of Django."""

import unicodedata

from unidecode import unidecode


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case ASCII form for diacritic-insensitive search: 'Vị Thủy' -> 'vi thuy'."""
    return " ".join(unidecode(nfc(text)).lower().split())
