"""Reading text tables in the encodings and delimiters analysts receive."""

from __future__ import annotations

import datetime as dt

import pytest

from thriftwatch import DataError
from thriftwatch.parse import (
    PROBLEM,
    canonical_unit,
    parse_amount_text,
    parse_date,
    read_text_table,
)


def test_reads_windows_1252_semicolon_file_with_decimal_commas(tmp_path):
    path = tmp_path / "bps.csv"
    path.write_bytes(
        "Negara;Berat Bersih (Kg);Keterangan\nJepang;10.023,50;pakaian bekas\n"
        "Perancis;99;ç café\n".encode("cp1252")
    )
    df = read_text_table(path)
    assert df.columns == ["Negara", "Berat Bersih (Kg)", "Keterangan"]
    assert df["Berat Bersih (Kg)"].to_list() == ["10.023,50", "99"]
    assert df["Keterangan"][1] == "ç café"


def test_reads_utf8_with_bom_and_keeps_blank_cells_null(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffyear,partner,kg\n2022,Malaysia,\n".encode())
    df = read_text_table(path)
    assert df.columns == ["year", "partner", "kg"]
    assert df["kg"].to_list() == [None]


def test_a_blank_line_is_a_row_of_nulls_and_quoted_newlines_stay_in_their_cell(tmp_path):
    # the row numbers of the rows after a blank line must not move, and a row that does not
    # fit the header still takes the row-by-row reader
    path = tmp_path / "blank.csv"
    path.write_bytes(b'title,price\n"kaos\nbekas",35000\n\njaket,90000\n')
    df = read_text_table(path)
    assert df.rows() == [("kaos\nbekas", "35000"), (None, None), ("jaket", "90000")]
    path.write_bytes(b"title,price\nkaos,35000\n\njaket\n")
    assert PROBLEM in read_text_table(path).columns


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
        (b"year,year\n2022,2023\n", "duplicated column"),
    ],
)
def test_unusable_files_raise_data_error_naming_the_file(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message) as info:
        read_text_table(path)
    assert "bad.csv" in str(info.value)


def test_duplicated_header_names_the_column_and_row(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("source,flow,flow\na,b,c\n")
    with pytest.raises(DataError) as info:
        read_text_table(path)
    assert info.value.column == "flow"
    assert info.value.row == 1


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("2023-03-28", dt.date(2023, 3, 28), "day"),
        ("28 Maret 2023", dt.date(2023, 3, 28), "day"),
        ("Sabtu, 10 Januari 2015", dt.date(2015, 1, 10), "day"),
        ("06/04/2023", dt.date(2023, 4, 6), "day"),  # day first
        ("6-4-2023", dt.date(2023, 4, 6), "day"),
        ("Okt 2023", dt.date(2023, 10, 1), "month"),
        ("Agustus 2021", dt.date(2021, 8, 1), "month"),
        ("2023-03", dt.date(2023, 3, 1), "month"),
        ("2019", dt.date(2019, 1, 1), "year"),
    ],
)
def test_indonesian_dates_with_their_precision(text, value, precision):
    parsed = parse_date(text)
    assert (parsed.value, parsed.precision, parsed.error) == (value, precision, None)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("31 Februari 2023", "impossible date '31 Februari 2023'"),
        ("2023-02-30", "impossible date"),
        ("32/01/2023", "impossible date"),
        ("Rabu (11/12)", "not a date"),
        ("13 Brumaire 2023", "unknown month 'brumaire'"),
        ("", "no date"),
    ],
)
def test_texts_that_are_no_date_say_why(text, error):
    parsed = parse_date(text)
    assert parsed.value is None and error in parsed.error


@pytest.mark.parametrize(
    ("text", "value", "flags"),
    [
        ("7.363", 7363.0, {}),
        ("1,5", 1.5, {}),
        ("Rp 243.164.000,00", 243_164_000.0, {}),
        ("Rp80 miliar", 80e9, {}),
        ("Rp 17,4 M", 17.4e9, {}),
        ("Rp 285 juta", 285e6, {}),
        ("2 triliun", 2e12, {}),
        ("19 ribu bal", 19_000.0, {}),
        ("lima karung", 5.0, {}),
        ("sekitar 1.000 balpres", 1000.0, {"approx": True}),
        ("kurang lebih 250 karung", 250.0, {"approx": True}),
        ("ratusan bal", None, {"vague": True}),
        ("Ribuan bal", None, {"vague": True}),
        ("antara Rp 1 hingga 2 miliar", None, {"range": True}),
        ("7.00 koli", None, {}),  # a malformed figure is no number
    ],
)
def test_indonesian_amounts(text, value, flags):
    amount = parse_amount_text(text)
    assert amount.value == value
    for flag in ("vague", "approx", "range"):
        assert getattr(amount, flag) == flags.get(flag, False)


@pytest.mark.parametrize(
    ("text", "unit", "factor"),
    [
        ("balpres", "bale", 1.0), ("ballpress", "bale", 1.0), ("balepress", "bale", 1.0),
        ("bal karung", "bale", 1.0), ("koli", "package", 1.0), ("paket", "package", 1.0),
        ("karton", "package", 1.0), ("karung", "sack", 1.0), ("kontainer", "container", 1.0),
        ("peti kemas", "container", 1.0), ("ton", "kg", 1000.0), ("kg", "kg", 1.0),
        ("truk", None, 1.0),
    ],
)  # fmt: skip
def test_units_of_seized_goods(text, unit, factor):
    assert canonical_unit(text) == (unit, factor)
