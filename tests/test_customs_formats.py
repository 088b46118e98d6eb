"""BPS portal and UN Comtrade files, as analysts receive them, through `load_customs`."""

from __future__ import annotations

import json

import polars as pl
import pytest
import xlsxwriter
from formats import (
    BPS_HEADER,
    comtrade_import_row,
    comtrade_row,
    write_bps_csv,
    write_comtrade_csv,
)

from thriftwatch import DataError, load_customs
from thriftwatch.trade import gap_cell, mirror_gap


def totals(clean: pl.DataFrame) -> dict[str, tuple[float, float]]:
    by = clean.group_by("partner_iso3").agg(
        pl.col("net_weight_kg").sum(), pl.col("value_usd").sum()
    )
    return {r[0]: (r[1], r[2]) for r in by.iter_rows()}


def test_bps_windows_1252_semicolon_export_with_title_rows_and_decimal_commas(tmp_path):
    loaded = load_customs(write_bps_csv(tmp_path))
    assert loaded.info["format"] == "bps"
    clean = loaded.clean
    assert totals(clean) == {
        "JPN": (12003.0, 24478.0),
        "MYS": (1650.0, 1774.5),
        "KOR": (0.5, 12.25),
    }
    assert clean["month"].to_list() == [1, 3, 10, 12]  # Januari, Maret, Okt, 12
    assert set(clean["flow"]) == {"import"} and set(clean["valuation"]) == {"CIF"}
    assert set(clean["reporter_iso3"]) == {"IDN"}
    assert set(clean["hs_code"]) == {"63090000"} and set(clean["hs6"]) == {"630900"}
    assert clean["port"][0] == "Soekarno-Hatta (U)"
    # the portal's own total row is not a partner
    assert loaded.rejected["reason"].to_list() == [
        "a total row, not a partner: totals are computed"
    ]
    assert loaded.n_raw == 5


def test_bps_xlsx_with_title_rows_and_numeric_cells(tmp_path):
    path = tmp_path / "bps.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Impor")
    sheet.write(0, 0, "Impor Menurut Kode HS dan Negara Asal, 2022")
    header = ["Kode HS", "Negara Asal", "Tahun", "Bulan", "Berat Bersih (Kg)", "Nilai CIF (US$)"]
    for c, name in enumerate(header):
        sheet.write(2, c, name)
    rows = [
        ("63090000", "Jepang", 2022, "Januari", 10023.5, 225941.25),
        ("63090000", "Amerika Serikat", 2022, "Februari", 41, 7213),
    ]
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    loaded = load_customs(path)
    assert loaded.info["format"] == "bps" and loaded.rejected.height == 0
    assert totals(loaded.clean) == {"JPN": (10023.5, 225941.25), "USA": (41.0, 7213.0)}


def test_bps_export_table_in_tonnes_utf8_bom_comma_delimited(tmp_path):
    path = tmp_path / "ekspor.csv"
    path.write_bytes(
        "\ufeffKode HS,Negara Tujuan,Tahun,Berat Bersih (Ton),Nilai FOB (US$)\n"
        '6309,Singapura,2021,"1,5","2.000,00"\n'.encode()
    )
    row = load_customs(path).clean.row(0, named=True)
    assert (row["flow"], row["partner_iso3"], row["valuation"]) == ("export", "SGP", "FOB")
    assert (row["net_weight_kg"], row["value_usd"]) == (1500.0, 2000.0)
    assert (row["period_type"], row["month"]) == ("annual", None)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (
            "1;63090000;x;ATLANTIS;Belawan;2022;Januari;10,00;5,00",
            "unknown partner country 'ATLANTIS'",
        ),
        (
            "1;63090000;x;JEPANG;Belawan;2022;Januari;sepuluh;5,00",
            "Berat Bersih (Kg) is not a number: 'sepuluh'",
        ),
        ("1;63090000;x;JEPANG;Belawan;2022;Januari;-10,00;5,00", "negative net weight"),
        ("1;63090000;x;JEPANG;Belawan;2022;Januari;10,00;-5,00", "negative USD value"),
        ("1;63090000;x;JEPANG;Belawan;1850;Januari;10,00;5,00", "impossible year"),
        ("1;63090000;x;JEPANG;Belawan;2022;Bulan 13;10,00;5,00", "month 'Bulan 13' is not"),
        ("1;63090000;x;JEPANG;Belawan;dua ribu;Januari;10,00;5,00", "year 'dua ribu' is not"),
        ("1;-;x;JEPANG;Belawan;2022;Januari;10,00;5,00", "HS code '-' is not an HS code"),
        ("1;63090000;x;JEPANG;Belawan;2022;Januari;;", "no figure"),
    ],
)
def test_every_bps_rejection_reason(tmp_path, row, reason):
    good = "9;63090000;x;JEPANG;Tanjung Priok;2022;Maret;2.003,00;4.478,00"
    loaded = load_customs(write_bps_csv(tmp_path, [good, row]))
    assert loaded.clean.height == 1
    reasons = loaded.rejected["reason"].to_list()
    assert len(reasons) == 2 and reason in reasons[0]  # the second is the portal's total row
    assert json.loads(loaded.rejected["raw"][0])["Negara Asal"] == row.split(";")[3]


def test_comtrade_annual_record_and_empty_values_stay_null(tmp_path):
    path = write_comtrade_csv(
        tmp_path,
        [
            comtrade_row(),  # MYS -> IDN exports 2022, refMonth 52
            comtrade_row(year=2021, kg="", kg_estimated="True", fob="8500000", primary=""),
            comtrade_import_row(),
            comtrade_row(month="3", kg="100", kg_estimated="True", fob="", primary="250"),
        ],
    )
    loaded = load_customs(path)
    assert loaded.info["format"] == "comtrade" and loaded.rejected.height == 0
    clean = loaded.clean
    annual_2022 = clean.filter((pl.col("year") == 2022) & (pl.col("month").is_null()))
    assert annual_2022["period_type"].to_list() == ["annual", "annual"]
    export = clean.row(0, named=True)
    assert (export["reporter_iso3"], export["partner_iso3"], export["flow"]) == (
        "MYS",
        "IDN",
        "export",
    )
    assert (export["net_weight_kg"], export["value_usd"], export["valuation"]) == (
        24544000.0,
        11100000.5,
        "FOB",
    )
    empty = clean.row(1, named=True)
    assert empty["net_weight_kg"] is None  # empty netWgt is unknown, not zero
    assert empty["value_usd"] == 8500000.0 and empty["weight_estimated"] is True
    imports = clean.row(2, named=True)
    assert (imports["flow"], imports["valuation"], imports["value_usd"]) == (
        "import",
        "CIF",
        1774.5,
    )
    march = clean.row(3, named=True)
    assert (march["period_type"], march["month"], march["value_usd"]) == ("monthly", 3, 250.0)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (comtrade_row(flow="RX"), "flow 'RX' not loaded"),
        (comtrade_row(mot="2100"), "a breakdown row"),
        (comtrade_row(cmd="TOTAL"), "cmdCode 'TOTAL' is not an HS code"),
        (comtrade_row(partner=("999", "XXX", "Nowhere")), "unknown partner country 'XXX'"),
        (comtrade_row(kg="lots"), "netWgt is not a number: 'lots'"),
        (comtrade_row(month="13"), "refMonth '13' is not a month or 52"),
        (comtrade_row(kg="-1"), "negative net weight"),
        (comtrade_row(kg="", fob="", primary=""), "no figure"),
    ],
)
def test_every_comtrade_rejection_reason(tmp_path, row, reason):
    loaded = load_customs(write_comtrade_csv(tmp_path, [comtrade_row(year=2020), row]))
    assert loaded.clean.height == 1
    assert reason in loaded.rejected["reason"][0]


def test_world_partner_code_maps_to_wld(tmp_path):
    path = write_comtrade_csv(
        tmp_path,
        [comtrade_import_row(partner=("0", "W00", "World"), kg="26224", cif="272146")],
    )
    assert load_customs(path).clean["partner_iso3"].to_list() == ["WLD"]


def test_bps_months_and_comtrade_exports_make_a_mirror_pair(tmp_path):
    months = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ]
    rows = [
        f"{i};63090000;x;MALAYSIA;Belawan;2022;{m};100,00;110,00"
        for i, m in enumerate(months, start=1)
    ]
    rows.append("13;63090000;x;MALAYSIA;Dumai;2022;Juni;50,00;40,00")
    bps = load_customs(write_bps_csv(tmp_path, rows))
    comtrade = load_customs(write_comtrade_csv(tmp_path, [comtrade_row()]))
    gap = mirror_gap(pl.concat([bps.clean, comtrade.clean]))
    cell = gap_cell(gap, "MYS", 2022)
    assert (cell["mirror_kg"], cell["reported_kg"]) == (24_544_000.0, 1_250.0)
    assert (cell["mirror_source_kind"], cell["reported_source_kind"]) == (
        "un_comtrade",
        "bps_portal",
    )
    assert cell["reported_usd"] == pytest.approx(1_360.0)
    assert cell["mirror_usd_cif"] == pytest.approx(11_100_000.5 * 1.10)
    assert cell["coverage_kg"] == "both" and cell["coverage_usd"] == "both"


def test_unknown_header_lists_what_each_format_needs(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Negara,Jumlah\nJepang,1\n")
    with pytest.raises(DataError) as info:
        load_customs(path)
    message = str(info.value)
    assert "x.csv" in message and "Negara, Jumlah" in message
    for needed in ("Kode HS", "refYear", "reporter_exporter"):
        assert needed in message


def test_bps_header_is_found_below_many_title_lines(tmp_path):
    path = tmp_path / "deep.csv"
    path.write_text(
        "\n".join(
            ["Judul"] * 8 + [BPS_HEADER.replace(";", ",")] + ["1,6309,x,Jepang,Priok,2022,1,5,6"]
        )
        + "\n"
    )
    assert load_customs(path).clean.height == 1
