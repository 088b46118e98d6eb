"""Reading text tables in the encodings and delimiters analysts receive."""

from __future__ import annotations

import pytest

from thriftwatch import DataError
from thriftwatch.parse import read_text_table


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
