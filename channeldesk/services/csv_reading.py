"""Read a CSV file as people save it from spreadsheets and CRMs, or refuse it whole.

Decodes UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252; finds the
delimiter (comma, semicolon or tab) and splits the file into rows. A file that cannot be
read as a whole (too big, binary, empty, no header, a stray quote that swallowed the rows
after it) raises :class:`CsvRefused` with a sentence saying why and what to do. Nothing
here knows what the columns mean (``prospect_csv_import`` does).
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 32 * 1024 * 1024


class CsvRefused(Exception):  # noqa: N818 -- a refusal to read, worded for people
    """The file as a whole cannot be imported; the message says why and what to do."""


@dataclass(frozen=True)
class CsvTable:
    """A decoded file split into cells; row numbers count the header as row 1."""

    encoding: str
    delimiter: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]


def read_file(path: Path | str) -> CsvTable:
    """Read and split a CSV file, or raise CsvRefused saying why it cannot be imported."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CsvRefused(
                f"{path.name} is {size / 1024 / 1024:.1f} MB; ChannelDesk imports CSV files "
                f"up to {MAX_BYTES // 1024 // 1024} MB (about 200,000 rows). Split the "
                "file and import the parts one after another.")
        data = path.read_bytes()
    except IsADirectoryError as error:
        raise CsvRefused(f"{path} is a folder, not a CSV file.") from error
    except FileNotFoundError as error:
        raise CsvRefused(f"{path} does not exist. Check the file name.") from error
    except OSError as error:
        raise CsvRefused(f"{path} cannot be read ({error.strerror}).") from error
    return read_bytes(data, path.name)


def read_bytes(data: bytes, name: str = "The file") -> CsvTable:
    if len(data) > MAX_BYTES:
        raise CsvRefused(f"{name} is larger than {MAX_BYTES // 1024 // 1024} MB. Split it.")
    text, encoding = _decode(data, name)
    if not text.strip():
        raise CsvRefused(f"{name} is empty: there is nothing to import.")
    delimiter = _sniff_delimiter(text)
    lines: list[tuple[int, int]] = []  # first and last line of each record
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
        records = []
        for cells in reader:
            lines.append((lines[-1][1] + 1 if lines else 1, reader.line_num))
            records.append(cells)
    except csv.Error as error:
        raise CsvRefused(f"{name} is not a readable CSV file ({error}). Save it from your "
                         "spreadsheet or CRM as CSV and try again.") from error
    _refuse_swallowed_rows(name, records, lines, delimiter)
    records = [(n + 1, cells) for n, cells in enumerate(records)]
    records = [(n, cells) for n, cells in records if any(c.strip() for c in cells)]
    if not records:
        raise CsvRefused(f"{name} is empty: there is nothing to import.")
    headers = [h.strip() for h in records[0][1]]
    if not any(headers):
        raise CsvRefused(f"{name} has no header row: the first line must name the columns.")
    rows = [(n, cells) for n, cells in records[1:]]
    if not rows:
        raise CsvRefused(f"{name} has a header but no rows: there is nothing to import.")
    return CsvTable(encoding, delimiter, headers, rows)


def _refuse_swallowed_rows(name: str, records: list[list[str]], lines: list[tuple[int, int]],
                           delimiter: str) -> None:
    """Refuse a file in which a stray opening quote swallowed the rows after it.

    A quote that is never closed makes the reader take every following line into one
    value (up to the next quote or the end of the file). Importing the rest would drop
    those rows without a word, so the whole file is refused with the lines it consumed.
    A value that really holds line breaks (a note) is recognised by its lines not
    looking like rows of the file: they do not hold as many delimiters as the header.
    """
    if not records:
        return
    width = len(records[0])
    needed = max(1, width - 1)
    for number, (cells, (first, last)) in enumerate(zip(records, lines, strict=True),
                                                    start=1):
        if last == first:
            continue
        swallowed = [line for cell in cells for line in cell.splitlines()[1:]
                     if line.count(delimiter) >= needed]
        if swallowed:
            raise CsvRefused(
                f"{name}: row {number} (line {first}) has an opening quote that is never "
                f"closed, so lines {first}–{last} ({last - first:,} rows after it) were read "
                f"as one value. Close or remove the quote in line {first} and import again.")


def _decode(data: bytes, name: str) -> tuple[str, str]:
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as error:
                raise CsvRefused(f"{name} starts like {encoding} text but is not valid "
                                 f"{encoding} at byte {error.start}. Save it again as "
                                 "CSV UTF-8.") from error
    if b"\x00" in data[:65536] or _looks_binary(data[:4096]):
        raise CsvRefused(f"{name} is not a text file (it looks like a spreadsheet, archive "
                         "or image). In your spreadsheet or CRM, save or export it as CSV.")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as error:
        raise CsvRefused(f"{name} is neither UTF-8 nor Windows-1252 text (byte {error.start} "
                         "cannot be read). Save it again as CSV UTF-8.") from error


def _looks_binary(head: bytes) -> bool:
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return bool(head) and controls > len(head) // 20


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line most often, quotes respected."""
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    best, best_count = ",", 0
    for delimiter in (",", ";", "\t"):
        try:
            cells = next(csv.reader([first], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        if len(cells) - 1 > best_count:
            best, best_count = delimiter, len(cells) - 1
    return best
