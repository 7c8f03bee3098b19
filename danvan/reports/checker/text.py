"""Sentences, clauses and word overlap: how the rules decide which figures talk about what."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"[.!?…]+[\"”’)\]]*\s+")
_WORD = re.compile(r"[^\W\d_]+")

# Words that carry no meaning for "do these two figures describe the same thing?".
STOPWORDS = frozenset(
    [
        "và",
        "các",
        "của",
        "có",
        "là",
        "được",
        "đã",
        "trong",
        "đó",
        "tại",
        "với",
        "cho",
        "theo",
        "này",
        "những",
        "một",
        "số",
        "đến",
        "từ",
        "về",
        "như",
        "khi",
        "thì",
        "mà",
        "để",
        "do",
        "nên",
        "cũng",
        "còn",
        "đạt",
        "chiếm",
        "tỷ",
        "lệ",
        "tổng",
        "hiện",
        "nay",
        "trên",
        "gần",
        "hơn",
        "năm",
        "ngày",
        "tháng",
        "so",
        "đồng",
        "chí",
        "người",
        "cái",
        "máy",
        "cuộc",
        "vụ",
        "việc",
        "lượt",
    ]
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def sentences(text: str) -> list[Span]:
    spans: list[Span] = []
    for line_start, line in _lines(text):
        start = 0
        for match in _SENTENCE_END.finditer(line):
            following = line[match.end() : match.end() + 1]
            if following and (following.isupper() or following.isdigit() or following in '“"(-–•*'):
                spans.append(Span(line_start + start, line_start + match.end()))
                start = match.end()
        if start < len(line):
            spans.append(Span(line_start + start, line_start + len(line)))
    return spans


def _lines(text: str) -> list[tuple[int, str]]:
    result = []
    pos = 0
    for line in text.split("\n"):
        result.append((pos, line))
        pos += len(line) + 1
    return result


def clauses(text: str, sentence: Span) -> list[Span]:
    """A sentence cut at semicolons, the separator Vietnamese reports use between items."""
    spans = []
    start = sentence.start
    for index in range(sentence.start, sentence.end):
        if text[index] == ";":
            spans.append(Span(start, index))
            start = index + 1
    spans.append(Span(start, sentence.end))
    return spans


def span_at(spans: list[Span], offset: int) -> Span | None:
    for span in spans:
        if span.start <= offset < span.end or (offset == span.end and span is spans[-1]):
            return span
    return None


def words(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(text)]


def content_words(text: str) -> set[str]:
    return {word for word in words(text) if word not in STOPWORDS}


def overlap(a: set[str], b: set[str]) -> float:
    """Jaccard similarity; 0 when either side is empty."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
