"""The report's phrases, from a YAML file a province may edit (templates_docx/wording.yaml).

A custom file overrides phrases of the shipped one; a phrase may use only the placeholders
the shipped phrase uses, so a typo is refused when the file is loaded, naming the phrase and
the placeholder, instead of leaving "{numerator}" in a printed report.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_WORDING = Path(__file__).parent / "templates_docx" / "wording.yaml"


class WordingError(ValueError):
    pass


def _fields(pattern: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(pattern) if name}


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str | list[str]]:
    flat: dict[str, str | list[str]] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = [str(item) for item in value]
        else:
            flat[name] = str(value)
    return flat


def _read(path: Path) -> dict[str, str | list[str]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise WordingError(f"Không đọc được tệp câu chữ {path.name}: {error}") from error
    if not isinstance(data, dict):
        raise WordingError(f"Tệp câu chữ {path.name} phải là một bảng khóa: câu chữ.")
    return _flatten(data)


@dataclass(frozen=True)
class Wording:
    phrases: dict[str, str | list[str]]

    def __call__(self, key: str, **values: object) -> str:
        pattern = self.phrases[key]
        assert isinstance(pattern, str), key
        missing = _fields(pattern) - set(values)
        if missing:
            # A programming error: the shipped phrase and the code disagree.
            raise WordingError(f"Cụm từ “{key}” cần {', '.join(sorted(missing))}.")
        return pattern.format(**values)

    def items(self, key: str) -> list[str]:
        value = self.phrases[key]
        return list(value) if isinstance(value, list) else [value]


@cache
def _default() -> dict[str, str | list[str]]:
    return _read(DEFAULT_WORDING)


def wording_load(path: Path | None = None) -> Wording:
    """The shipped wording, with the phrases of `path` (if given) in place of its own."""
    phrases = dict(_default())
    if path is None:
        return Wording(phrases)
    custom = _read(path)
    problems = []
    for key, pattern in custom.items():
        if key not in phrases:
            problems.append(f"không có cụm từ “{key}”")
            continue
        shipped = phrases[key]
        if isinstance(shipped, list) != isinstance(pattern, list):
            problems.append(
                f"“{key}” phải là {'một danh sách' if isinstance(shipped, list) else 'một câu'}"
            )
            continue
        if isinstance(pattern, str) and isinstance(shipped, str):
            try:
                unknown = _fields(pattern) - _fields(shipped)
            except ValueError as error:
                problems.append(f"“{key}”: {error}")
                continue
            for name in sorted(unknown):
                allowed = ", ".join(f"{{{f}}}" for f in sorted(_fields(shipped))) or "không có"
                problems.append(
                    f"“{key}” dùng {{{name}}} không có trong số liệu (dùng được: {allowed})"
                )
        phrases[key] = pattern
    if problems:
        raise WordingError(f"Tệp câu chữ {path.name}: " + "; ".join(problems) + ".")
    return Wording(phrases)
