"""Text coming from files: Unicode NFC, and the legacy Vietnamese encodings TCVN3 (ABC,
fonts .VnTime), VNI (VNI-Windows fonts) and VIQR (RFC 1456) detected by evidence in the
text and converted; never guessed.

Old Excel files typed with the .VnTime fonts hold Vietnamese letters as Latin-1 look-alikes
('Hµ Néi' for 'Hà Nội'). The table below is TCVN 5712:1993 (VN3): one byte per lower-case
letter with its tone, plus the seven base upper-case letters. Upper-case toned letters came
from the separate .VnTimeH fonts, which reuse the lower-case codes: such text converts to
lower case, which is the best that can be done without the font name.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

# Byte (as the Latin-1 character Excel shows) -> Unicode letter.
_TCVN3_CODES: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip
TO_UNICODE = {chr(code): letter for code, letter in _TCVN3_CODES.items()}
TO_TCVN3 = {letter: chr(code) for code, letter in _TCVN3_CODES.items()}

# Latin-1 letters that Unicode Vietnamese also uses: alone they prove nothing.
_VIETNAMESE_LATIN1 = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
_TELLTALE = frozenset(TO_UNICODE) - _VIETNAMESE_LATIN1


def _has_unicode_vietnamese(text: str) -> bool:
    return any(
        "\u0102" <= ch <= "\u01b0" or "\u1ea0" <= ch <= "\u1ef9" or "\u0300" <= ch <= "\u0323"
        for ch in text
    )


def looks_like_tcvn3(text: str) -> bool:
    """A TCVN3-only character ('µ', '¸', 'ª', '¬', '®'…), or a TCVN3 code that reads as an
    upper-case letter inside a word ('chiÕn'), and no Unicode Vietnamese letter."""
    if _has_unicode_vietnamese(text):
        return False
    if any(ch in _TELLTALE for ch in text):
        return True
    return any(
        ch in TO_UNICODE and ch.isupper() and previous.islower()
        for previous, ch in itertools.pairwise(text)
    )


def tcvn3_to_unicode(text: str) -> str:
    return unicodedata.normalize("NFC", "".join(TO_UNICODE.get(ch, ch) for ch in text))


def unicode_to_tcvn3(text: str) -> str:
    """For tests and for writing to legacy systems; upper-case toned letters are lowered."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in TO_TCVN3:
            out.append(TO_TCVN3[ch])
        elif ch.lower() in TO_TCVN3 and ch not in _VIETNAMESE_LATIN1:
            out.append(TO_TCVN3[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


# VNI (fonts VNI-Times): a base letter followed by a separate tone or shape byte, which a
# Latin-1 reader shows as 'Hoäi Noâng daân' for 'Hội Nông dân'. Unicode Vietnamese puts
# few of these letters right after a vowel (khoá, quân: `_UNICODE_PAIRS` below).
_VNI_PAIR = re.compile(r"[aeiouy][øùûõïâêáàåãäéèúüë]|[AEIOUY][ØÙÛÕÏÂÊÁÀÅÃÄÉÈÚÜË]")
# TCVN3's 'vÒ' (về): a code that reads as a capital right after a small letter; VNI never.
_TCVN3_CASE = re.compile(r"[a-z][ÀÁÂÃÄÅÆÈÉÊËÌÍÎÏÒÓÔÕÖØÙÚÛÜ]")


def looks_like_vni(text: str) -> bool:
    """Two vowel + VNI-mark pairs and no Unicode Vietnamese letter."""
    return (
        not _has_unicode_vietnamese(text)
        and len(_VNI_PAIR.findall(text)) >= 2
        and not _TCVN3_CASE.search(text)
    )


class LegacyTextError(ValueError):
    """Text in a legacy encoding danvan recognises but cannot convert without guessing."""


# --- VNI (VNI-Windows fonts) ------------------------------------------------------------------
# A base letter then a mark byte (as the Latin-1 character Excel shows): a tone alone, a
# circumflex (a e o) or a breve (a) with or without a tone; ơ ư đ and the toned i's are
# single bytes.
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_VNI_TONES = {"ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_CIRCUMFLEX = {"â": "", "á": _ACUTE, "à": _GRAVE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_VNI_BREVE = {"ê": "", "é": _ACUTE, "è": _GRAVE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}
_VNI_LETTERS = {"ô": "ơ", "ö": "ư", "ñ": "đ", "æ": "ỉ", "ó": "ĩ", "ò": "ị"}
_VNI_MARKS: dict[str, tuple[str, str, str]] = {}  # mark -> (shape, tone, bases it fits)
for _mark, _tone in _VNI_TONES.items():
    _VNI_MARKS[_mark] = ("", _tone, "aeiouyơư")
for _mark, _tone in _VNI_CIRCUMFLEX.items():
    _VNI_MARKS[_mark] = ("\u0302", _tone, "aeo")
for _mark, _tone in _VNI_BREVE.items():
    _VNI_MARKS[_mark] = ("\u0306", _tone, "a")
# Vowel + letter pairs Unicode Vietnamese writes too (khoá, quà, quân, quê, muôn, tiên,
# yên): alone they prove nothing; any other vowel + VNI mark cannot be Unicode.
_UNICODE_PAIRS = frozenset(
    {"oà", "oá", "oã", "oè", "oé", "uà", "uá", "uâ", "uê", "uè", "ué", "iê", "yê"}
)
_VNI_ONLY = frozenset("ñöæøûïäåëü")


def vni_to_unicode(text: str) -> tuple[str, int]:
    """(Unicode NFC text, how many VNI marks prove it was VNI), or `LegacyTextError` when a
    mark follows a letter it cannot mark (then it is not VNI, or not only VNI)."""
    out: list[str] = []
    strong = 0
    for ch in text:
        lower = ch.lower()
        upper = ch != lower
        if lower in _VNI_MARKS and out and out[-1].lower() in _VNI_MARKS[lower][2]:
            shape, tone, _bases = _VNI_MARKS[lower]
            base = out[-1]
            if (base.isupper() and base.lower() != base) != upper:
                raise LegacyTextError("VNI")
            if (base.lower() + lower) not in _UNICODE_PAIRS:
                strong += 1
            out[-1] = unicodedata.normalize("NFC", base + shape + tone)
        elif lower in _VNI_MARKS and lower not in "ùõ" and lower not in _VNI_LETTERS:
            # A circumflex or breve mark after a consonant: not VNI.
            raise LegacyTextError("VNI")
        elif lower in _VNI_LETTERS:
            if lower in _VNI_ONLY:
                strong += 1
            letter = _VNI_LETTERS[lower]
            out.append(letter.upper() if upper else letter)
        else:
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)), strong


# --- VIQR (RFC 1456) --------------------------------------------------------------------------
_VIQR_TONES = {"'": _ACUTE, "`": _GRAVE, "?": _HOOK, "~": _TILDE, ".": _DOT}
_VIQR_SHAPES = {"^": ("\u0302", "aeo"), "(": ("\u0306", "a"), "+": ("\u031b", "ou")}
_VOWELS = "aeiouy"


def viqr_to_unicode(text: str) -> tuple[str, int]:
    """(Unicode NFC text, how many marks no ASCII text would have: a circumflex, breve or
    horn after its vowel, a grave or tilde after a vowel, 'dd' opening a word).

    As RFC 1456: a mark right after its vowel, a backslash before a mark keeps it literal;
    a word takes one tone, so a '.' or '?' after a word's tone is punctuation.
    """
    out: list[str] = []
    strong = 0
    toned = False  # the current word has its tone
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in "'`?~.^(+":
            out.append(text[i + 1])
            i += 2
            continue
        opens_word = i == 0 or not text[i - 1].isalpha()
        if ch in "dD" and text[i : i + 2].lower() == "dd" and opens_word:
            out.append("Đ" if ch == "D" else "đ")
            strong += 1
            i += 2
            continue
        if ch.lower() in _VOWELS:
            letter = ch
            i += 1
            if i < len(text) and text[i] in _VIQR_SHAPES and ch.lower() in _VIQR_SHAPES[text[i]][1]:
                letter += _VIQR_SHAPES[text[i]][0]
                strong += 1
                i += 1
            if i < len(text) and text[i] in _VIQR_TONES and not toned:
                letter += _VIQR_TONES[text[i]]
                strong += text[i] in "`~"
                toned = True
                i += 1
            out.append(unicodedata.normalize("NFC", letter))
            continue
        if not ch.isalpha():
            toned = False
        out.append(ch)
        i += 1
    return unicodedata.normalize("NFC", "".join(out)), strong


def clean_text(text: str) -> tuple[str, bool]:
    """(NFC text, whether it was converted from a legacy encoding).

    TCVN3, VNI and VIQR are converted when the text itself proves its encoding: TCVN3 by
    its own characters; VNI by marks that no Unicode text puts after a vowel ('Hoäi Noâng
    daân'), every mark fitting its letter; VIQR by shape marks or 'dd' in ASCII text
    ('Ho^.i No^ng da^n'), two such marks at least. Text that looks like VNI but does not
    convert cleanly is refused (`LegacyTextError`); anything else is left alone.
    """
    if text.isascii():
        converted, strong = viqr_to_unicode(text)
        if strong >= 2:
            return converted, True
        return text, False
    if not _has_unicode_vietnamese(text) and not any("\xa1" <= ch <= "\xbf" for ch in text):
        try:
            converted, strong = vni_to_unicode(text)
        except LegacyTextError:
            if looks_like_vni(text):
                raise
        else:
            if strong and (strong >= 2 or len(_VNI_PAIR.findall(text)) >= 2):
                return converted, True
    if looks_like_tcvn3(text):
        return tcvn3_to_unicode(text), True
    return unicodedata.normalize("NFC", text), False


_CP1258_TONE = re.compile("[aeiouyAEIOUYăâêôơưĂÂÊÔƠƯ][\u0300\u0301\u0303\u0309\u0323]")


def legacy_encoding_detect(data: bytes) -> str | None:
    """The codec to read non-UTF-8 `data` with, from evidence in it, or None.

    Windows-1258 (tones as combining marks after a vowel), TCVN3 (read as Latin-1, its
    letters converted where they are used) and VNI (read as Latin-1 so that its texts are
    recognised and refused). A byte string with no such evidence is not guessed at.
    """
    latin = data.decode("latin-1")
    if looks_like_tcvn3(latin) and any("\xa1" <= ch <= "\xbf" for ch in latin):
        return "latin-1"
    try:
        windows = data.decode("cp1258")
    except UnicodeDecodeError:
        windows = ""
    if windows and len(_CP1258_TONE.findall(windows)) >= 2:
        return "cp1258"
    if looks_like_vni(latin) or looks_like_tcvn3(latin):
        return "latin-1"
    return None
