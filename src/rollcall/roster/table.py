"""One roster CSV file, open: its header mapped to column indices once, then its rows streamed with their
line numbers. Undecodable bytes, malformed CSV and rows of the wrong width become problems, never
exceptions, so that one read reports everything wrong with the file."""

from __future__ import annotations

import codecs
import csv
import threading
from collections.abc import Callable, Iterator
from operator import contains, itemgetter
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Final

from rollcall.errors import RosterError
from rollcall.roster.cell_checks import ENUMS, enum_problem
from rollcall.roster.columns import FileSpec, column_key
from rollcall.roster.problem import ProblemLog

if TYPE_CHECKING:
    from _csv import Reader as CsvReader

_DECODE_ERRORS: Final = "rollcall.roster.replace-and-count"
_bad_bytes = threading.local()


def _replace_and_count(error: UnicodeError) -> tuple[str, int]:
    """Decode on past bad bytes (the row still gets checked) but remember that the file had some."""
    _bad_bytes.count = getattr(_bad_bytes, "count", 0) + 1
    if isinstance(error, UnicodeDecodeError):
        return "\ufffd", error.end
    raise error


codecs.register_error(_DECODE_ERRORS, _replace_and_count)


def _tuple_getter(positions: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """A getter returning the cells at `positions` as a tuple, whatever their number (itemgetter returns a
    bare cell for one position)."""
    if len(positions) >= 2:
        getter: Callable[[list[str]], tuple[str, ...]] = itemgetter(*positions)
        return getter
    if positions:
        [position] = positions
        return lambda row: (row[position],)
    return lambda row: ()


def find_file(directory: Path, name: str) -> Path | None:
    """The file called `name` in `directory`, matching case-insensitively (`Schools.csv` is `schools.csv`)."""
    exact = directory / name
    if exact.is_file():
        return exact
    for candidate in sorted(directory.iterdir()):
        if candidate.name.lower() == name and candidate.is_file():
            return candidate
    return None


class Table:
    """An open roster file. Use as a context manager; iterate `rows()` once."""

    def __init__(self, spec: FileSpec, path: Path, log: ProblemLog) -> None:
        self.spec = spec
        self.name = spec.name
        self.path = path
        self.log = log
        self.line = 1
        self.row_count = 0
        self.usable = False
        self._index: dict[str, int] = {}
        self._nonblank: list[tuple[int, str]] = []
        self._enums: list[tuple[int, str, frozenset[str]]] = []
        self._nonblank_values = _tuple_getter([])
        self._enum_values = _tuple_getter([])
        self._enum_sets: list[frozenset[str]] = []
        self.width = 0
        self._header: list[str] = []
        _bad_bytes.count = 0
        try:
            self._stream: IO[str] = path.open(encoding="utf-8-sig", errors=_DECODE_ERRORS, newline="")
        except OSError as error:
            raise RosterError(f"cannot read {path}: {error.strerror or error}") from error
        self._reader = csv.reader(self._stream)
        self._read_header()

    def __enter__(self) -> Table:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stream.close()
        if kind is None:
            self._report_bad_bytes()

    def _read_header(self) -> None:
        try:
            header = next(self._reader, None)
        except csv.Error as error:
            self.log.error(self.name, 1, None, f"the header row is not valid CSV: {error}")
            return
        except OSError as error:
            raise RosterError(f"cannot read {self.path}: {error.strerror or error}") from error
        if not header or not any(cell.strip() for cell in header):
            self.log.error(self.name, 1, None, "the file is empty: a header row is required")
            return
        self.width = len(header)
        self._header = [cell.lstrip("\ufeff") for cell in header]
        for position, cell in enumerate(header):
            key = column_key(cell.lstrip("\ufeff"))
            if key in self._index:
                self.log.error(self.name, 1, cell, f"column {cell!r} appears twice in the header")
                continue
            self._index[key] = position
        known = {column_key(column) for column in self.spec.columns}
        for cell in header:
            if cell.strip() and column_key(cell.lstrip("\ufeff")) not in known:
                self.log.warning(self.name, 1, cell, f"column {cell!r} is not one of Clever's; it is ignored")
        missing = [column for column in self.spec.required if column_key(column) not in self._index]
        for column in missing:
            self.log.error(self.name, 1, column, f"required column {column} is missing from the header")
        self.usable = not missing
        self._nonblank = [
            (self._index[column_key(column)], column)
            for column in self.spec.nonblank
            if column_key(column) in self._index
        ]
        self._enums = [
            (self._index[column_key(column)], column, allowed)
            for column, allowed in ENUMS.get(self.name, {}).items()
            if column_key(column) in self._index
        ]
        self._nonblank_values = _tuple_getter([position for position, _ in self._nonblank])
        self._enum_values = _tuple_getter([position for position, _, _ in self._enums])
        self._enum_sets = [allowed for _, _, allowed in self._enums]

    def check_row(self, row: list[str], line: int) -> bool:
        """Log blank required values and values outside Clever's enumerations; False when a required value is
        blank (the row cannot be used), True otherwise (an enum problem still lets the row be checked on)."""
        # The common case, a clean row, is decided in C: no Python-level loop per cell.
        if all(self._nonblank_values(row)) and all(map(contains, self._enum_sets, self._enum_values(row))):
            return True
        complete = True
        for position, column in self._nonblank:
            if not row[position]:
                self.log.error(self.name, line, column, f"{column} is required but blank")
                complete = False
        for position, column, allowed in self._enums:
            value = row[position]
            if value not in allowed:
                self.log.error(self.name, line, column, enum_problem(column, value, allowed))
        return complete

    def has(self, column: str) -> bool:
        """True when the header has `column` (any spelling)."""
        return column_key(column) in self._index

    def index(self, column: str) -> int:
        """The position of `column` in a padded row; absent columns point at the always-empty pad cell."""
        return self._index.get(column_key(column), self.width)

    def getter(self, first: str, second: str, *more: str) -> Callable[[list[str]], tuple[str, ...]]:
        """One C-speed getter that pulls two or more columns out of a padded row as a tuple."""
        positions = [self.index(column) for column in (first, second, *more)]
        getter: Callable[[list[str]], tuple[str, ...]] = itemgetter(*positions)
        return getter

    @property
    def reader(self) -> CsvReader:
        """The CSV reader, past the header, for hot loops that track lines themselves: a row read when
        `reader.line_num` was N starts on line N + 1. Such loops send rows whose width is wrong to
        `wrong_width`, catch csv.Error into `invalid_csv`, end with `finish`, and get unpadded rows."""
        return self._reader

    def wrong_width(self, row: list[str], line: int) -> bool:
        """Log a row whose width differs from the header's; False for a blank line (skipped silently)."""
        if not row:
            return False
        self.log.error(
            self.name, line, None, f"the row has {len(row)} fields but the header has {self.width}"
        )
        return True

    def invalid_csv(self, error: csv.Error, last_line: int) -> bool:
        """Log malformed CSV after `last_line`; True when reading can go on past it."""
        self.log.error(self.name, last_line + 1, None, f"invalid CSV: {error}")
        return self._reader.line_num > last_line

    def finish(self, rows: int) -> None:
        """Record how many rows were read."""
        self.row_count += rows

    def rows(self) -> Iterator[list[str]]:
        """Every data row padded with one trailing empty cell, while `self.line` holds the row's first line.
        Blank lines are skipped; rows of the wrong width and invalid CSV are logged and skipped."""
        if not self.usable:
            return
        reader, width = self._reader, self.width
        last = reader.line_num
        count = 0
        while True:
            try:
                for row in reader:
                    line = last + 1
                    last = reader.line_num
                    if len(row) == width:
                        self.line = line
                        count += 1
                        row.append("")
                        yield row
                    else:
                        self.wrong_width(row, line)
            except csv.Error as error:
                if self.invalid_csv(error, last):
                    last = reader.line_num
                    continue
            break
        self.finish(count)

    def _report_bad_bytes(self) -> None:
        """Name each line holding bytes that are not UTF-8 (only runs when the decoder met some)."""
        if not getattr(_bad_bytes, "count", 0):
            return
        _bad_bytes.count = 0
        with self.path.open("rb") as raw:
            for number, line in enumerate(raw, start=1):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError as error:
                    column = self._column_at(line, error.start) if number > 1 else None
                    message = f"bytes that are not UTF-8 at byte {error.start + 1} of the line"
                    self.log.error(self.name, number, column, message)

    def _column_at(self, line: bytes, offset: int) -> str | None:
        """The header cell above byte `offset` of a raw line, when the line has no quotes to make commas
        ambiguous (or None)."""
        if b'"' in line:
            return None
        position = line[:offset].count(b",")
        return self._header[position] if position < len(self._header) else None
