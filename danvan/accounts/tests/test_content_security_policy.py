"""A strict Content-Security-Policy on every page, and templates it does not break."""

import re
from pathlib import Path

import pytest

DANVAN = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    [
        *DANVAN.glob("templates/**/*.html"),
        *DANVAN.glob("*/templates/**/*.html"),
        *DANVAN.glob("*/*/templates/**/*.html"),
    ]
)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"""<[^>]*\son[a-z]+\s*=""", re.IGNORECASE)


def _policy(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    header = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.parametrize("path", ["/login/", "/", "/admin/", "/admin/accounts/user/", "/api/docs"])
def test_every_page_carries_a_strict_policy(client, world, path):
    client.force_login(world.province_admin)

    policy = _policy(client.get(path))

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]


def test_the_templates_are_found():
    names = {path.name for path in TEMPLATES}

    assert {"base.html", "dashboard.html", "entry_form.html", "_tree_children.html"} <= names


def test_no_template_has_an_inline_executable_script():
    inline = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for match in SCRIPT_TAG.finditer(text):
            attributes = match.group(1)
            if "src=" in attributes or 'type="application/json"' in attributes:
                continue
            inline.append(f"{path.relative_to(DANVAN)}: {match.group(0)}")

    assert inline == []


def test_no_template_has_an_inline_event_handler_or_script_url():
    found = [
        str(path.relative_to(DANVAN))
        for path in TEMPLATES
        if EVENT_HANDLER.search(path.read_text(encoding="utf-8"))
        or "javascript:" in path.read_text(encoding="utf-8").lower()
    ]

    assert found == []
