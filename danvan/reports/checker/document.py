"""The document as the checker sees it: paragraphs, table cells and footnotes, each a block."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    CELL = "cell"
    FOOTNOTE = "footnote"


@dataclass(frozen=True)
class Location:
    section: str = ""
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    footnote: int | None = None

    @property
    def key(self) -> str:
        """Identifies the block, so a finding can be drawn on the right piece of text."""
        if self.footnote is not None:
            return f"fn-{self.footnote}"
        if self.table is not None:
            return f"t{self.table}-r{self.row}-c{self.col}"
        return f"p-{self.paragraph}"

    def describe(self) -> str:
        if self.footnote is not None:
            where = f"chú thích {self.footnote}"
        elif self.table is not None:
            # People count tables, rows and columns from 1.
            where = f"bảng {self.table + 1}, dòng {(self.row or 0) + 1}, cột {(self.col or 0) + 1}"
        else:
            where = f"đoạn {(self.paragraph or 0) + 1}"
        # The innermost heading is enough to find the place; the full path is in `section`.
        heading = self.section.split(" › ")[-1]
        return f"{where} (mục {heading})" if heading else where


@dataclass(frozen=True)
class FootnoteRef:
    offset: int
    number: int


@dataclass
class Block:
    kind: BlockKind
    text: str
    location: Location
    refs: tuple[FootnoteRef, ...] = ()


@dataclass
class Table:
    index: int
    rows: list[list[Block]]
    section: str = ""

    def cell(self, row: int, col: int) -> Block | None:
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return self.rows[row][col]
        return None


@dataclass
class Document:
    """Blocks in reading order; table cells also reachable through `tables`."""

    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    footnotes: dict[int, Block] = field(default_factory=dict)

    def all_blocks(self) -> Iterator[Block]:
        yield from self.blocks
        yield from self.footnotes.values()

    def block_by_key(self) -> dict[str, Block]:
        return {block.location.key: block for block in self.all_blocks()}
