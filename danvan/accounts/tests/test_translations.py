"""The interface is Vietnamese first: every message of the catalogue has a translation."""

from pathlib import Path

from django.utils.translation import gettext, override

PO = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def _entries():
    msgid, msgstr, state = [], [], None
    for line in [*PO.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("msgid "):
            msgid, msgstr, state = [line[7:-1]], [], "id"
        elif line.startswith("msgid_plural"):
            state = "plural"
        elif line.startswith("msgstr"):
            msgstr, state = [line.split(" ", 1)[1][1:-1]], "str"
        elif line.startswith('"') and state == "id":
            msgid.append(line[1:-1])
        elif line.startswith('"') and state == "str":
            msgstr.append(line[1:-1])
        elif not line.strip() and msgid:
            yield "".join(msgid), "".join(msgstr)
            msgid, state = [], None


def test_every_message_is_translated_to_vietnamese():
    untranslated = [mid for mid, text in _entries() if mid and not text]

    assert untranslated == []


def test_the_compiled_catalogue_is_current():
    translated = [(mid, text) for mid, text in _entries() if mid and text and "%" not in mid]

    with override("vi"):
        stale = [
            mid
            for mid, text in translated
            if gettext(mid.replace('\\"', '"')) != text.replace('\\"', '"')
        ]

    assert stale == [], "run `make messages` to recompile danvan/locale"


def test_no_translation_is_left_fuzzy():
    body = PO.read_text(encoding="utf-8").split("\n\n", 1)[1]

    assert "#, fuzzy" not in body


def test_every_marked_string_of_the_code_is_in_the_catalogue():
    """Catches a `make messages` that was not run after new strings were marked."""
    import re

    root = PO.parents[3]
    known = {mid.replace('\\"', '"') for mid, _ in _entries()}
    patterns = [
        (re.compile(r'\{% translate "([^"]+)"'), "*.html"),
        (re.compile(r'\b_\(\s*"([^"\n]+)"\s*\)'), "*.py"),
    ]
    missing = []
    for pattern, glob in patterns:
        for path in root.rglob(glob):
            if "checker" in path.parts or "tests" in path.parts or "migrations" in path.parts:
                continue
            for text in pattern.findall(path.read_text(encoding="utf-8")):
                if text not in known and text.replace("%", "%%") not in known:
                    missing.append(f"{path.relative_to(root)}: {text}")

    assert missing == [], "run `make messages` and translate the new strings"
