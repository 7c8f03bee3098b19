"""What every rule needs to know about a document, worked out once per check."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from danvan.reports.checker.document import Block, BlockKind, Document, Table
from danvan.reports.checker.findings import Finding
from danvan.reports.checker.numbers import Kind, Quantity, extract
from danvan.reports.checker.text import Span, clauses, content_words, sentences, span_at, words


class Rule(Protocol):
    id: str

    def check(self, context: CheckContext) -> list[Finding]: ...


@dataclass(frozen=True)
class Columns:
    """Which column of an indicator table holds what; -1 when the table has no such column."""

    number: int = -1
    indicator: int = -1
    baseline: int = -1
    result: int = -1
    comparison: int = -1

    @property
    def known(self) -> bool:
        return self.result >= 0 and (self.indicator >= 0 or self.baseline >= 0)


@dataclass(frozen=True)
class RowGroup:
    """The rows of one indicator: the first names it, the following ones continue it."""

    table: Table
    first: int
    last: int
    number: str


@dataclass(frozen=True)
class Target:
    block: Block
    quantity: Quantity
    context: frozenset[str]
    year: int | None


_TARGET_CUE = re.compile(r"chỉ tiêu|phấn đấu|mục tiêu|kế hoạch|đề ra|đến năm", re.IGNORECASE)
_TARGET_BEFORE = re.compile(
    r"(?:đạt|trên|từ|ít nhất|tối thiểu|phấn đấu|là|có)\s*$",
    re.IGNORECASE,
)
ACHIEVEMENT_AFTER = re.compile(
    r"\s*(?:so với\s+)?(?:chỉ tiêu|kế hoạch|mục tiêu|nghị quyết)",
    re.IGNORECASE,
)
_CHANGE_BEFORE = re.compile(r"(?:tăng|giảm)(?:\s+thêm)?(?:\s+được)?\s*$", re.IGNORECASE)
_RESULT_AFTER = re.compile(
    r"[^.;\d%]{0,40}?(?:đạt|vượt|bằng)\s*\d[\d.,]*\s?%\s*(?:so với\s+)?"
    r"(?:chỉ tiêu|kế hoạch|mục tiêu|nghị quyết)",
    re.IGNORECASE,
)
_YEAR_CUE = re.compile(r"(?:đến|tới|trong)?\s*năm\s+((?:19|20)\d\d)", re.IGNORECASE)


@dataclass
class Analysed:
    block: Block
    quantities: list[Quantity]
    sentences: list[Span]

    @cached_property
    def measures(self) -> list[Quantity]:
        return [quantity for quantity in self.quantities if quantity.is_measure]

    def sentence_of(self, offset: int) -> Span:
        return span_at(self.sentences, offset) or Span(0, len(self.block.text))

    def clause_of(self, offset: int) -> Span:
        sentence = self.sentence_of(offset)
        return span_at(clauses(self.block.text, sentence), offset) or sentence

    def measures_in(self, span: Span) -> list[Quantity]:
        return [q for q in self.measures if span.start <= q.start and q.end <= span.end]


class CheckContext:
    def __init__(self, document: Document) -> None:
        self.document = document
        self._analysed: dict[int, Analysed] = {}

    def of(self, block: Block) -> Analysed:
        key = id(block)
        if key not in self._analysed:
            self._analysed[key] = Analysed(block, extract(block.text), sentences(block.text))
        return self._analysed[key]

    # Similarity ----------------------------------------------------------------------------

    @cached_property
    def _idf(self) -> dict[str, float]:
        frequency: Counter[str] = Counter()
        count = 0
        for block in self.document.all_blocks():
            for span in self.of(block).sentences:
                frequency.update(content_words(block.text[span.start : span.end]))
                count += 1
        return {word: math.log((count + 1) / (seen + 1)) + 0.1 for word, seen in frequency.items()}

    def similarity(self, a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> float:
        """Jaccard weighted by rarity: the boilerplate every sentence repeats counts little."""
        if not a or not b:
            return 0.0
        idf = self._idf
        default = max(idf.values(), default=1.0)
        shared = sum(idf.get(word, default) for word in a & b)
        total = sum(idf.get(word, default) for word in a | b)
        return shared / total if total else 0.0

    # Tables --------------------------------------------------------------------------------

    def columns(self, table: Table) -> Columns:
        if not table.rows:
            return Columns()
        roles: dict[str, int] = {}
        for col, cell in enumerate(table.rows[0]):
            header = cell.text.lower()
            if "so sánh" in header or "so với" in header or "tỷ lệ đạt" in header:
                roles.setdefault("comparison", col)
            elif "trước" in header or "ban đầu" in header or "đầu kỳ" in header:
                roles.setdefault("baseline", col)
            elif "kết quả" in header or "thực hiện" in header or "hiện nay" in header:
                roles.setdefault("result", col)
            elif "chỉ tiêu" in header or "nội dung" in header:
                roles.setdefault("indicator", col)
            elif header.strip() in {"stt", "tt", "số tt"}:
                roles.setdefault("number", col)
        return Columns(**roles)

    def groups(self, table: Table) -> list[RowGroup]:
        columns = self.columns(table)
        groups: list[RowGroup] = []
        starts: list[int] = []
        for row_index in range(1, len(table.rows)):
            number = self._cell_text(table, row_index, columns.number)
            name = self._cell_text(table, row_index, columns.indicator)
            if number or name or not starts:
                starts.append(row_index)
        for position, first in enumerate(starts):
            last = starts[position + 1] - 1 if position + 1 < len(starts) else len(table.rows) - 1
            groups.append(
                RowGroup(table, first, last, self._cell_text(table, first, columns.number))
            )
        return groups

    def group_of(self, table: Table, row: int) -> RowGroup | None:
        for group in self.groups(table):
            if group.first <= row <= group.last:
                return group
        return None

    @staticmethod
    def _cell_text(table: Table, row: int, col: int) -> str:
        cell = table.cell(row, col) if col >= 0 else None
        return cell.text.strip() if cell else ""

    # Targets -------------------------------------------------------------------------------

    @cached_property
    def targets(self) -> list[Target]:
        """Every figure the document states as a target ("phấn đấu … đạt 80%", "chỉ tiêu …")."""
        found: list[Target] = []
        indicator_cells = set()
        for table in self.document.tables:
            columns = self.columns(table)
            if columns.indicator < 0:
                continue
            for row in table.rows[1:]:
                if columns.indicator < len(row):
                    indicator_cells.add(id(row[columns.indicator]))
        for block in self.document.all_blocks():
            analysed = self.of(block)
            is_indicator = id(block) in indicator_cells
            if block.kind is BlockKind.CELL and not is_indicator:
                continue
            for quantity in analysed.measures:
                if quantity.kind is Kind.FRACTION:
                    continue
                sentence = analysed.sentence_of(quantity.start)
                text = block.text
                if not is_indicator and not _TARGET_CUE.search(text[sentence.start : sentence.end]):
                    continue
                before = text[max(sentence.start, quantity.start - 25) : quantity.start]
                if not is_indicator and not _TARGET_BEFORE.search(before):
                    continue
                if _CHANGE_BEFORE.search(before) or ACHIEVEMENT_AFTER.match(text, quantity.end):
                    continue
                # "kết nạp 2.340 hội viên, vượt 17% chỉ tiêu": a result measured against a target.
                if _RESULT_AFTER.match(text, quantity.end):
                    continue
                year_match = _YEAR_CUE.search(text, sentence.start, quantity.start)
                found.append(
                    Target(
                        block=block,
                        quantity=quantity,
                        context=frozenset(left_words(text, quantity, sentence.start, 10)),
                        year=int(year_match.group(1)) if year_match else None,
                    )
                )
        return found


def left_words(text: str, quantity: Quantity, floor: int, count: int) -> set[str]:
    """Content words just before a figure, within its sentence: what the figure describes."""
    before = text[floor : quantity.start]
    before = re.split(r"[;:()]", before)[-1] if count <= 6 else before
    meaningful = content_words(before)
    return set([word for word in words(before) if word in meaningful][-count:])


def right_words(text: str, quantity: Quantity, ceiling: int, count: int) -> set[str]:
    after = text[quantity.end : ceiling]
    meaningful = content_words(after)
    return set([word for word in words(after) if word in meaningful][:count])
