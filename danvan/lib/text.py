"""Vietnamese text helpers that know nothing of Django."""

import datetime
import unicodedata

from unidecode import unidecode


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case ASCII form for diacritic-insensitive search: 'Vị Thủy' -> 'vi thuy'."""
    return " ".join(unidecode(nfc(text)).lower().split())


def date_parts(day: datetime.date) -> dict[str, str]:
    """Day below ten and months 1–2 with a leading zero (Hướng dẫn 36-HD/VPTW): 01/7/2025."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return {"day": f"{day.day:02d}", "month": month, "year": str(day.year)}
