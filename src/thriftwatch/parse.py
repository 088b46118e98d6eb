"""Reading messy text tables: encodings, delimiters, headers.

Everything is read as text first so that the raw cell survives for the quarantine table; the
loaders parse numbers, dates and codes from it afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv

from thriftwatch.errors import CheckError, DataError

#: Scraped captions can be long: allow fields up to 64 MB when reading headers and rows.
csv.field_size_limit(64 * 1024 * 1024)
#: A column the readers add for rows that do not fit the header (too many or too few
#: fields); `RawRows` quarantines those rows with the reason it holds.
PROBLEM = "__row_problem__"

#: Encodings tried in order. Windows-1252 accepts almost any byte, so it comes last.
ENCODINGS = ("utf-8", "cp1252")
DELIMITERS = (",", ";", "\t", "|")


def decode(data: bytes, path: str | Path) -> str:
    """Text of a file in UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's
    "Unicode Text" export) or Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DataError(path, f"broken UTF-16 text at byte {exc.start}") from exc
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


HeaderTest = Callable[[list[str]], bool]
#: How far down a file its header may start (portal exports put titles above it).
HEADER_SEARCH_ROWS = 30


def _header_index(rows: list[list[str]], is_header: HeaderTest | None) -> int:
    """Index of the header among the first rows: the first row `is_header` accepts, else 0."""
    if is_header is None:
        return 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if is_header([c.strip() for c in row if c is not None]):
            return i
    return 0


def _check_header(path: Path, names: list[str], row: int) -> None:
    if not any(names):
        raise DataError(path, "no header row", row=row)
    duplicated = sorted(n for n, c in Counter(n for n in names if n).items() if c > 1)
    if duplicated:
        raise DataError(path, "duplicated column name in the header", column=duplicated[0], row=row)


def _tidy(df: pl.DataFrame) -> pl.DataFrame:
    """Surrounding blanks are never meaningful in these tables; blank cells are missing."""
    return df.with_columns(pl.exclude(PROBLEM).str.strip_chars().replace("", None))


def read_text_table(path: str | Path, is_header: HeaderTest | None = None) -> pl.DataFrame:
    """A CSV file as an all-text frame with its header checked.

    The header is the first row, or the first of the top rows that `is_header` accepts (title
    lines above it are skipped). Raises `DataError` for an empty file, a file with no header,
    or a duplicated column name. Empty cells become null.
    """
    path = Path(path)
    data = path.read_bytes()
    if not data or data.isspace():  # (not `strip()`: a copy of the whole file)
        raise DataError(path, "the file is empty")
    delimiter, names, skip = _layout(_head(data), path, is_header)
    # Fast path, the usual scrape: UTF-8 without BOM, LF line ends, header on the first line.
    # The bytes are read as they are (invalid UTF-8 is refused, and takes the decoding path).
    if skip == 0 and not data.startswith(_BOMS) and b"\r" not in data:
        df = _read_fitting(data, delimiter, names)
        if df is not None:
            return _tidy(df)
    # one line ending: Windows CRLF and the lone CR of old Mac Excel exports become LF
    text = _tidy_lines(decode(data, path))
    if skip:
        text = "\n".join(text.splitlines()[skip:])
    df = _read_fitting(text.encode(), delimiter, names)
    if df is None:  # a row of the wrong width (or a file Arrow refuses): row by row
        df = _read_ragged(text, delimiter, names, path)
    return _tidy(df)


def _layout(head: bytes, path: Path, is_header: HeaderTest | None) -> tuple[str, list[str], int]:
    """(delimiter, header names, title lines above the header) from the top of a file.

    Only the top is decoded: a copy of a whole national scrape per candidate delimiter cost
    a second per million rows."""
    text = _tidy_lines(decode(head, path))

    def top_rows(delimiter: str) -> list[list[str]]:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        try:
            return list(itertools.islice(reader, HEADER_SEARCH_ROWS))
        except csv.Error as exc:
            raise DataError(path, f"not a readable table: {exc}") from exc

    # A recognisable header settles the delimiter even below title lines; else sniff it.
    delimiter = next(
        (
            d
            for d in DELIMITERS
            if is_header and any(is_header([c.strip() for c in row]) for row in top_rows(d))
        ),
        None,
    ) or sniff_delimiter(text)
    top = top_rows(delimiter)
    skip = _header_index(top, is_header)
    names = [h.strip() for h in (top[skip] if top else [])]
    _check_header(path, names, skip + 1)
    return delimiter, names, skip


def csv_layout(path: str | Path, is_header: HeaderTest | None = None) -> tuple[str, list[str], int]:
    """`(delimiter, names, skip)` of a CSV file, reading only its top: for readers that
    stream the rest."""
    path = Path(path)
    with path.open("rb") as handle:
        data = handle.read(HEAD_BYTES + 1)  # one byte more: `_head` then cuts at a line end
    if not data.strip():
        raise DataError(path, "the file is empty")
    return _layout(_head(data), path, is_header)


_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")
#: How much of a file is decoded to find its header and delimiter.
HEAD_BYTES = 1 << 20


def _head(data: bytes) -> bytes:
    """The top of a file, cut at a line end (a cut inside a UTF-8 character would not decode)."""
    if len(data) <= HEAD_BYTES or data.startswith(_BOMS[:2]):  # UTF-16: Excel exports, small
        return data
    end = data.rfind(b"\n", 0, HEAD_BYTES)
    return data[: end if end > 0 else HEAD_BYTES]


def _tidy_lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _read_csv(data: bytes, delimiter: str, names: list[str]) -> pl.DataFrame:
    return pl.read_csv(
        data,
        separator=delimiter,
        infer_schema=False,
        has_header=True,
        new_columns=names,
        truncate_ragged_lines=False,
    )


def arrow_batches(
    source: bytes | Path, delimiter: str, names: list[str], block_size: int = 16 << 20
) -> Iterator[pa.RecordBatch]:
    """The rows below a CSV's header as Arrow record batches, every field text, read by
    Arrow's streaming reader (one block in memory at a time). Raises `pa.ArrowInvalid` at
    a row of the wrong width, which polars would pad or refuse."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    yield from pacsv.open_csv(stream, *_arrow_options(delimiter, names, block_size))


def _arrow_options(
    delimiter: str, names: list[str], block_size: int | None = None
) -> tuple[pacsv.ReadOptions, pacsv.ParseOptions, pacsv.ConvertOptions]:
    """Arrow's CSV options for the rows below a header: every field text, quoted newlines
    kept in their cell."""
    read = pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=block_size)
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True)
    convert = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()))
    return read, parse, convert


def _read_fitting(data: bytes, delimiter: str, names: list[str]) -> pl.DataFrame | None:
    """The rows below the header as an all-text frame if every row fits the header; None
    if one does not, or the reader refuses the file for another reason (the row-by-row
    reader then decides).

    Read by Arrow's multithreaded CSV reader, which refuses a row of the wrong width (polars
    pads short rows with nulls without a word; checking its result with a second, Arrow pass
    cost 0.6 s per million rows). Blank lines are rows of nulls, as polars reads them: a file
    with one takes the polars reader, checked by Arrow's streaming reader."""
    positions = [str(i) for i in range(len(names))]  # header names may repeat or be blank
    if b"\n\n" in data:
        try:
            df = _read_csv(data, delimiter, names)
            for _ in arrow_batches(data, delimiter, positions):
                pass  # streamed batch by batch and thrown away: memory stays at one block
        except (pl.exceptions.PolarsError, pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        return df
    try:
        table = pacsv.read_csv(io.BytesIO(data), *_arrow_options(delimiter, positions))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    frame = pl.from_arrow(table)
    if not isinstance(frame, pl.DataFrame):  # an Arrow table always makes a frame
        raise CheckError(f"Arrow's CSV reader gave a {type(frame).__name__}, not a table")
    try:
        return frame.rename(dict(zip(frame.columns, names, strict=True)))
    except pl.exceptions.PolarsError:  # blank names twice: left to the row-by-row reader
        return None


def fitted_frames(
    rows: Iterable[list[str]], names: list[str], path: Path, size: int | None = None
) -> Iterator[pl.DataFrame]:
    """Frames of CSV rows (below the header) that may not fit it: rows that fit are kept as
    they are, the others padded or cut, with a `PROBLEM` saying why (they are quarantined).
    `size` rows per frame, or one frame of all."""
    width = len(names)
    cells: list[list[str | None]] = []
    problems: list[str | None] = []

    def frame() -> pl.DataFrame:
        table = pl.DataFrame(cells, schema=dict.fromkeys(names, pl.String), orient="row")
        return table.with_columns(pl.Series(PROBLEM, problems, dtype=pl.String))

    try:
        for row in rows:
            if not row:
                continue
            fits = len(row) == width
            problems.append(None if fits else f"row has {len(row)} fields, the header {width}")
            cells.append((row + [None] * width)[:width])
            if size and len(cells) == size:
                yield frame()
                cells, problems = [], []
    except csv.Error as exc:
        raise DataError(path, f"not a readable table: {exc}") from exc
    if cells or not size:
        yield frame()


def _read_ragged(text: str, delimiter: str, names: list[str], path: Path) -> pl.DataFrame:
    """A table whose rows do not all fit the header, read row by row (`fitted_frames`)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    next(reader, None)
    return next(fitted_frames(reader, names, path))


def read_excel_table(path: str | Path, is_header: HeaderTest | None = None) -> pl.DataFrame:
    """The first sheet of an XLSX file as an all-text frame, header found as for CSV."""
    path = Path(path)
    try:
        sheet = pl.read_excel(path, has_header=False, infer_schema_length=0)
    except Exception as exc:  # the engines raise their own types for broken workbooks
        raise DataError(path, f"not a readable XLSX workbook: {exc}") from exc
    if sheet.is_empty():
        raise DataError(path, "the first sheet is empty")
    rows = [["" if c is None else str(c) for c in r] for r in sheet.head(HEADER_SEARCH_ROWS).rows()]
    skip = _header_index(rows, is_header)
    names = [c.strip() for c in rows[skip]]
    _check_header(path, names, skip + 1)
    keep = [i for i, n in enumerate(names) if n]  # unnamed columns beside a table are layout
    body = sheet.slice(skip + 1).select([sheet.columns[i] for i in keep])
    return _tidy(body.rename(dict(zip(body.columns, [names[i] for i in keep], strict=True))))


def read_table(path: str | Path, is_header: HeaderTest | None = None) -> pl.DataFrame:
    """A CSV or XLSX table as all-text columns, by file extension."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_excel_table(path, is_header)
    return read_text_table(path, is_header)


# ---------------------------------------------------------------------------------------------
# Numbers

#: A value that can only be Indonesian-formatted (`.` thousands, `,` decimal) ...
_ID_ONLY = r"^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+,(\d{1,2}|\d{4,})$|^-?\d+\.\d{3},\d+$"
#: ... or only English-formatted (`,` thousands, `.` decimal).
_EN_ONLY = r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+\.(\d{1,2}|\d{4,})$|^-?\d+,\d{3}\.\d+$"
#: Currency and unit words that surround amounts in exports ("US$ 1.965", "Rp 80.000").
_AMOUNT_NOISE = r"(?i)^(us\s*\$|usd|rp\.?|idr|rm|myr)\s*|\s*(usd|kg)$|[\s\u00a0]"


def _strip_amount(values: pl.Expr) -> pl.Expr:
    return values.str.replace_all(_AMOUNT_NOISE, "")


def guess_decimal_mark(values: pl.Series, default: str = ",") -> str:
    """The decimal mark of a column of number texts: `,` (Indonesian) or `.` (English).

    Each value that can only be read one way votes; `1.234` or `12` cannot, and a column of
    such values gets `default` (`,` for Indonesian portal exports, `.` for spreadsheets).
    """
    text = values.drop_nulls().to_frame("v").select(_strip_amount(pl.col("v")))["v"]
    id_votes = int(text.str.contains(_ID_ONLY).sum())
    en_votes = int(text.str.contains(_EN_ONLY).sum())
    if id_votes == en_votes:
        return default
    return "," if id_votes > en_votes else "."


def parse_amount(values: pl.Expr, decimal: str) -> pl.Expr:
    """Number texts to Float64 given their decimal mark; anything else becomes null.

    `10.023,50` -> 10023.5 with `,`; `10,023.50` -> 10023.5 with `.`; `US$ 1.965` -> 1965.
    """
    thousands = "." if decimal == "," else ","
    text = _strip_amount(values).str.replace_all(thousands, "", literal=True)
    if decimal == ",":
        text = text.str.replace_all(",", ".", literal=True)
    return (
        pl.when(text.str.contains(r"^-?(\d+\.?\d*|\.\d+)$"))
        .then(text)
        .cast(pl.Float64, strict=False)
    )


# ---------------------------------------------------------------------------------------------
# Months

#: Month names and abbreviations in Indonesian and English, lower case.
MONTHS: dict[str, int] = {
    **{
        name: i
        for i, name in enumerate(
            [
                "januari",
                "februari",
                "maret",
                "april",
                "mei",
                "juni",
                "juli",
                "agustus",
                "september",
                "oktober",
                "november",
                "desember",
            ],
            start=1,
        )
    },
    **{
        name: i
        for i, name in enumerate(
            [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ],
            start=1,
        )
    },
    **{
        name: i
        for i, name in enumerate(
            ["jan", "feb", "mar", "apr", "mei", "jun", "jul", "agu", "sep", "okt", "nov", "des"],
            start=1,
        )
    },
    "may": 5,
    "aug": 8,
    "agt": 8,
    "ags": 8,
    "oct": 10,
    "dec": 12,
    "sept": 9,
    "peb": 2,
    "pebruari": 2,
    "nopember": 11,
    "nop": 11,
}


def parse_month(values: pl.Expr) -> pl.Expr:
    """Month numbers (`1`..`12`, `01`) or names (`Januari`, `Okt`, `March`) to Int8; null
    for anything else."""
    key = values.str.strip_chars().str.to_lowercase().str.strip_chars(".")
    number = key.cast(pl.Int8, strict=False)
    named = key.replace_strict(MONTHS, default=None, return_dtype=pl.Int8)
    return pl.when(number.is_between(1, 12)).then(number).otherwise(named).cast(pl.Int8)


# ---------------------------------------------------------------------------------------------
# Dates in Indonesian sources

DATE_PRECISIONS = ("day", "month", "year")
_WEEKDAYS = (
    r"(senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
)


@dataclass(frozen=True)
class ParsedDate:
    """A date as precise as its text: the first day of the month or year when only those are
    given (`precision` says which), or an `error` saying why it is no date."""

    value: dt.date | None
    precision: str | None
    error: str | None = None


def _make_date(year: int, month: int, day: int, precision: str, text: str) -> ParsedDate:
    try:
        return ParsedDate(dt.date(year, month, day), precision)
    except ValueError:
        return ParsedDate(None, None, f"impossible date '{text}'")


def parse_date(text: str | None) -> ParsedDate:
    """Indonesian and ISO date texts: `2023-03-28`, `28 Maret 2023`, `Sabtu, 10 Januari 2015`,
    `06/04/2023` (day first), `6-4-2023`, `Okt 2023`, `2023-03`, `Maret 2023`, `2023`."""
    if text is None or not (raw := text.strip()):
        return ParsedDate(None, None, "no date")
    t = re.sub(rf"^{_WEEKDAYS}\s*,?\s*", "", raw.lower()).strip(" ,.")
    t = re.sub(r"\s+", " ", t)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t].*)?", t):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), "day", raw)
    if m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", t):
        return _make_date(int(m[3]), int(m[2]), int(m[1]), "day", raw)
    if m := re.fullmatch(r"(\d{1,2}) ([a-z]+)\.? (\d{4})", t):
        month = MONTHS.get(m[2])
        if month is None:
            return ParsedDate(None, None, f"unknown month '{m[2]}' in '{raw}'")
        return _make_date(int(m[3]), month, int(m[1]), "day", raw)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", t):
        return _make_date(int(m[1]), int(m[2]), 1, "month", raw)
    if m := re.fullmatch(r"([a-z]+)\.? (\d{4})", t):
        month = MONTHS.get(m[1])
        if month is None:
            return ParsedDate(None, None, f"unknown month '{m[1]}' in '{raw}'")
        return _make_date(int(m[2]), month, 1, "month", raw)
    if re.fullmatch(r"\d{4}", t):
        return _make_date(int(t), 1, 1, "year", raw)
    return ParsedDate(None, None, f"not a date: '{raw}'")


# ---------------------------------------------------------------------------------------------
# Amounts written in words and with multipliers

_NUMBER_WORDS = {
    "nol": 0, "satu": 1, "se": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6,
    "tujuh": 7, "delapan": 8, "sembilan": 9, "sepuluh": 10, "sebelas": 11, "seratus": 100,
    "seribu": 1000,
}  # fmt: skip
MULTIPLIERS = {
    "ribu": 1e3, "rb": 1e3, "k": 1e3, "juta": 1e6, "jt": 1e6, "miliar": 1e9, "milyar": 1e9,
    "m": 1e9, "triliun": 1e12, "t": 1e12,
}  # fmt: skip
#: Words that say "hundreds", "thousands", ...: a real but unknown amount.
_VAGUE = r"\b(puluhan|belasan|ratusan|ribuan|jutaan|miliaran|banyak|beberapa)\b"
_APPROX = (
    r"\b(sekitar|kurang lebih|lebih kurang|kurang-lebih|hampir|mendekati|kira-kira"
    r"|lebih dari|lebih)\b|±|\+/-"
)
_RANGE = r"\b(antara|hingga|sampai)\b|\d\s*[-–]\s*\d"


@dataclass(frozen=True)
class Amount:
    """A number read from text, with what kind of number it was."""

    value: float | None
    vague: bool = False  # 'ratusan', 'ribuan': a real amount nobody counted
    approx: bool = False  # 'sekitar 1.000'
    range: bool = False  # 'antara Rp 1 hingga 2 miliar'
    rest: str = ""  # the text after the number (its unit, for quantities)


def _number(token: str) -> float | None:
    """`7.363` -> 7363, `1,5` -> 1.5, `17,35` -> 17.35, `1.000.000` -> 1e6, `7.00` -> None
    (a malformed group: neither a thousands group nor a decimal comma)."""
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", token):
        return float(token.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d+(,\d+)?", token):
        return float(token.replace(",", "."))
    return None


def parse_amount_text(text: str | None) -> Amount:
    """An Indonesian amount: `7.363 bal`, `1,5 ton`, `Rp 17,4 M`, `Rp80 miliar`, `lima karung`,
    `19 ribu bal`, `sekitar 200 bal` (approx), `ratusan bal` (vague: value null), `antara Rp 1
    hingga 2 miliar` (range: value null)."""
    if text is None or not (raw := text.strip()):
        return Amount(None)
    t = re.sub(r"(?i)\brp\.?\s*", "", raw.lower()).strip()
    approx = bool(re.search(_APPROX, t))
    if re.search(_RANGE, t):
        return Amount(None, range=True, approx=approx, rest=t)
    t_clean = re.sub(_APPROX, " ", t).strip()
    m = re.match(r"^(\d[\d.,]*)\s*([a-z]+)?\b\s*(.*)$", t_clean)
    if m:
        value = _number(m[1].rstrip(".,"))
        word, rest = m[2] or "", m[3]
        if value is not None and word in MULTIPLIERS:
            value *= MULTIPLIERS[word]
        else:
            rest = f"{word} {rest}".strip()
        return Amount(value, approx=approx, rest=rest)
    m = re.match(r"^([a-z]+)(?:\s+([a-z]+))?\s*(.*)$", t_clean)
    if m and m[1] in _NUMBER_WORDS:
        value, word, rest = float(_NUMBER_WORDS[m[1]]), m[2] or "", m[3]
        if word in MULTIPLIERS:
            value *= MULTIPLIERS[word]
        else:
            rest = f"{word} {rest}".strip()
        return Amount(value, approx=approx, rest=rest.strip())
    if re.search(_VAGUE, t_clean):
        return Amount(None, vague=True, approx=approx, rest=re.sub(_VAGUE, "", t_clean).strip())
    return Amount(None, approx=approx, rest=t_clean)


# ---------------------------------------------------------------------------------------------
# Units of seized goods

UNITS = ("bale", "package", "sack", "container", "kg")
_UNIT_PATTERNS = (
    ("container", r"\b(kontainer|container|peti ?kemas|kontener)\b"),
    ("bale", r"\b(bal|bale|bales|ball|balls|bal[le]*p?res+|bal+e?press?|banllpres|balpress)\b"),
    ("sack", r"\b(karung|sak)\b"),
    ("package", r"\b(koli|colli|paket|pak|karton|kardus|dus|bungkus)\b"),
    ("kg", r"\b(kg|kilogram|kilo)\b"),
    ("tonne", r"\b(ton|tonnes?)\b"),
)


def canonical_unit(text: str | None) -> tuple[str | None, float]:
    """The canonical unit named first in a text, with the factor to it: `balpres` -> (`bale`,
    1), `koli` -> (`package`, 1), `ton` -> (`kg`, 1000); (None, 1) when none is named."""
    if not text:
        return None, 1.0
    t = text.lower()
    found = [(m.start(), unit) for unit, pattern in _UNIT_PATTERNS if (m := re.search(pattern, t))]
    if not found:
        return None, 1.0
    unit = min(found)[1]
    return ("kg", 1000.0) if unit == "tonne" else (unit, 1.0)
