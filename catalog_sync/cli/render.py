"""Tables and figures for people: sizes in KiB/MiB, counts with separators, row estimates
marked `~`, and tables that fit an 80-column terminal without breaking a word.

Rich folds a cell mid-word when a column is narrower than a word; here every text column is
at least as wide as its longest word, and long paths are shortened by their common folder
(shown once, above the table) so that the words themselves stay short.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:  # the reader brings DataHub; every CLI command imports this module
    from catalog_sync.store import CatalogEntry

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def human_bytes(value: int | str | None) -> str:
    """`3779017` -> `3.6 MiB`; blank when unknown."""
    if value is None or value == "":
        return ""
    size = float(value)
    unit = 0
    while size >= 1024 and unit < len(_UNITS) - 1:
        size /= 1024
        unit += 1
    if unit == 0:
        return f"{int(size)} B"
    return f"{size:.1f} {_UNITS[unit]}" if size < 100 else f"{size:.0f} {_UNITS[unit]}"


def human_count(value: int | str | None, estimate: bool = False) -> str:
    """`1200` -> `1,200`; an estimate (PostgreSQL's reltuples) -> `~1,200`; blank when unknown."""
    if value is None or value == "":
        return ""
    number = float(value)
    if number < 0:  # reltuples is -1 for a table never analysed
        return "?"
    text = f"{round(number):,}"
    return f"~{text}" if estimate else text


def rows_of(entry: CatalogEntry) -> str:
    """Exact rows (a lake's footers), else the database's estimate."""
    props = entry.properties
    if props.get("row_count"):
        return human_count(props["row_count"])
    return human_count(props.get("estimated_rows"), estimate=True)


def size_of(entry: CatalogEntry) -> str:
    props = entry.properties
    return human_bytes(props.get("total_bytes") or props.get("size_bytes"))


def common_folder(names: Sequence[str]) -> str:
    """The folder every name sits under (`/data/lake/`), or "" when they share none."""
    paths = [n for n in names if "/" in n]
    if len(paths) < 2 or len(paths) != len(names):
        return ""
    prefix = os.path.commonprefix(list(paths))
    return prefix[: prefix.rfind("/") + 1] if "/" in prefix else ""


PATH_WIDTH = 24


def split_path(text: str, width: int = PATH_WIDTH) -> str:
    """A long path or dotted name on several lines, broken after `/`, `.` or a space only."""
    lines: list[str] = []
    current = ""
    for piece in re.split(r"(?<=[/. ])", text):
        if current and len(current) + len(piece.rstrip()) > width:
            lines.append(current.rstrip())
            current = ""
        current += piece
    lines.append(current.rstrip())
    return "\n".join(lines)


def fitted_table(headers: Sequence[str], rows: Iterable[Sequence[str | Text]],
                 numeric: Iterable[str] = (), paths: Iterable[str] = ()) -> Table:
    """A table whose text columns never fold a word: each is at least its longest word wide;
    numbers are right-aligned and never wrapped; `paths` columns break after `/` and `.`.
    Cells are plain text (never markup), or a rich `Text` to style one."""
    path_columns = {headers.index(h) for h in paths}
    cells = [[c if isinstance(c, Text) else Text(split_path(c) if i in path_columns else c)
              for i, c in enumerate(r)] for r in rows]
    plain = [[c.plain for c in r] for r in cells]
    numbers = set(numeric)
    table = Table(show_edge=False)
    for index, header in enumerate(headers):
        words = [header, *(w for r in plain for w in r[index].split()),
                 *(line for r in plain for line in _indented_words(r[index]))]
        if header in numbers:
            table.add_column(header, justify="right", no_wrap=True)
        else:
            table.add_column(header, min_width=max(len(w) for w in words), overflow="fold")
    for r in cells:
        table.add_row(*r)
    return table


def _indented_words(cell: str) -> list[str]:
    """Each line's indent with its first word: an indented name must not wrap either."""
    return [line[: len(line) - len(line.lstrip())] + line.split()[0]
            for line in cell.splitlines() if line.strip() and line[0] == " "]


def print_assets(entries: Sequence[CatalogEntry], console: Console) -> None:
    """`catalog-sync assets`: name, platform, type, rows, size, files, tags."""
    folder = common_folder([e.name for e in entries])
    if folder:
        console.print(f"under {folder}", highlight=False, soft_wrap=True)
    rows = [
        (e.name[len(folder):] if folder else e.name, e.platform, " ".join(e.subtypes),
         rows_of(e), size_of(e), human_count(e.properties.get("file_count")), ", ".join(e.tags))
        for e in entries
    ]
    console.print(fitted_table(("name", "platform", "type", "rows", "size", "files", "tags"), rows,
                               numeric=("rows", "size", "files"), paths=("name",)))
    console.print(plural(len(entries), "asset"), highlight=False)


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """`1 asset`, `2 assets`, `0 assets`."""
    return f"{count:,} {noun if count == 1 else (plural_form or noun + 's')}"
