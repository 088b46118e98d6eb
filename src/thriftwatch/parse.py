"""Reading messy text tables: encodings, delimiters, headers.

Everything is read as text first so that the raw cell survives for the quarantine table; the
loaders parse numbers, dates and codes from it afterwards.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import polars as pl

from thriftwatch.errors import DataError

#: Encodings tried in order. Windows-1252 accepts almost any byte, so it comes last.
ENCODINGS = ("utf-8", "cp1252")
DELIMITERS = (",", ";", "\t", "|")


def decode(data: bytes, path: str | Path) -> str:
    """Text of a file in UTF-8 (with or without BOM) or Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:4096]:
        raise DataError(path, "binary content (NUL bytes): not a text table")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError(path, f"text is in none of the encodings {', '.join(ENCODINGS)}")


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text: the candidate that splits the header most often and the
    same number of times on the next lines."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        counts = Counter({d: lines[0].count(d) for d in DELIMITERS})
        best, n = counts.most_common(1)[0]
        return best if n else ","


def read_text_table(path: str | Path) -> pl.DataFrame:
    """A CSV file as an all-text frame with its header checked.

    Raises `DataError` for an empty file, a file with no header, or a duplicated column name.
    Empty cells become null.
    """
    path = Path(path)
    data = path.read_bytes()
    if not data.strip():
        raise DataError(path, "the file is empty")
    text = decode(data, path)
    delimiter = sniff_delimiter(text)
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    names = [h.strip() for h in header]
    if not any(names):
        raise DataError(path, "no header row", row=1)
    duplicated = sorted(n for n, c in Counter(names).items() if c > 1)
    if duplicated:
        raise DataError(path, "duplicated column name in the header", column=duplicated[0], row=1)
    try:
        df = pl.read_csv(
            text.encode(),
            separator=delimiter,
            infer_schema=False,
            has_header=True,
            new_columns=names,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError as exc:
        raise DataError(path, f"not a readable {delimiter!r}-delimited table: {exc}") from exc
    # Surrounding blanks are never meaningful in these tables; blank cells are missing values.
    return df.with_columns(pl.all().str.strip_chars().replace("", None))
