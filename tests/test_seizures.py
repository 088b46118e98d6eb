"""Enforcement events from an agency log written here and from the shipped compilation."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
import xlsxwriter

from thriftwatch import DataError
from thriftwatch.loaders.seizures import (
    canonical_action,
    canonical_agencies,
    link_events,
    load_enforcement_aggregates,
    load_event_links,
    load_seizures,
    parse_period,
)
from thriftwatch.trends import seizure_series

NEXT_YEAR = dt.date.today().year + 1
LOG_HEADER = ["No", "Tanggal", "Instansi", "Kegiatan", "Lokasi", "Jumlah", "Satuan",
              "Perkiraan Nilai (Rp)", "Keterangan"]  # fmt: skip
LOG_ROWS = [
    ["1", "28 Maret 2023", "Bea Cukai dan Polri", "Pemusnahan", "TPP Jababeka, Kab. Bekasi",
     "7.363", "balpres", "Rp80 miliar", ""],
    ["2", "Sabtu, 10 Januari 2015", "Kanwil DJBC Jatim I", "Penindakan",
     "Pelabuhan Tanjung Perak, Surabaya", "17", "kontainer", "", ""],
    ["3", "06/04/2023", "Polda Sumut", "Penggerebekan gudang", "Belawan, Medan", "1,5", "ton",
     "Rp 17,4 M", ""],
    ["4", "Okt 2023", "Kemendag", "Operasi pasar", "Pasar Senen, Jakarta Pusat", "ratusan",
     "bal", "", ""],
    ["5", "2019", "Lanal Dumai", "Penangkapan kapal di perairan", "Batam", "lima", "karung",
     "Rp 243.164.000,00", "dijual ke Pekanbaru"],
    ["6", "31 Februari 2023", "Bea Cukai", "Penindakan", "Batam", "10", "koli", "", ""],
    ["7", f"12/01/{NEXT_YEAR}", "Bea Cukai", "Penindakan", "Batam", "10", "koli", "", ""],
    ["8", "28 Maret 2023", "Bea Cukai dan Polri", "Pemusnahan", "TPP Jababeka, Kab. Bekasi",
     "7.363", "balpres", "Rp 80 miliar", "laporan kedua"],
    ["9", "12/12/2023", "Bakamla", "Patroli laut", "Perairan Pulau Bulan, Batam", "-5", "bal",
     "", ""],
    ["10", "01/05/2023", "Satgas Pamtas TNI AD", "Penyitaan", "Entikong", "200", "karton",
     "Rp 1,06 miliar", ""],
    ["11", "15/08/2023", "Bea Cukai", "Lelang", "Batam", "3", "bal", "", ""],
    ["12", "2023-02-10", "Polres", "Penyitaan", "Kota Bandung", "20 ribu", "kg", "", ""],
]  # fmt: skip


def write_log(tmp_path, rows=LOG_ROWS, name="log.csv"):
    path = tmp_path / name
    lines = [";".join(LOG_HEADER), *(";".join(r) for r in rows)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


@pytest.fixture
def log(tmp_path, refdata):
    return load_seizures(write_log(tmp_path), refdata)


def event(loaded, row):
    """The event whose first report is data row `row`."""
    return loaded.clean.filter(pl.col("source_row") == row).row(0, named=True)


def test_log_rows_are_accounted_for(log):
    assert log.info["format"] == "log"
    assert (log.n_raw, log.clean.height, log.rejected.height, log.n_duplicates) == (12, 7, 4, 1)


def test_impossible_future_negative_and_unknown_rows_are_quarantined(log):
    reasons = dict(zip(log.rejected["source_row"], log.rejected["reason"], strict=True))
    assert reasons == {
        6: "impossible date '31 Februari 2023'",
        7: "event date lies in the future",
        9: "negative quantity or value",
        11: "unknown action 'Lelang'",
    }
    assert json.loads(log.rejected["raw"][0])["Tanggal"] == "31 Februari 2023"


def test_two_reports_of_one_event_become_one_event_with_both_sources(log):
    e = event(log, 1)
    assert (e["event_date"], e["date_precision"], e["action"]) == (
        dt.date(2023, 3, 28),
        "day",
        "destruction",
    )
    assert e["agencies"] == ["DJBC", "Polri"]
    assert (e["quantity_value"], e["quantity_unit"], e["value_idr"]) == (7363.0, "bale", 80e9)
    assert (e["kabkota_code"], e["province_code"]) == ("3216", "32")
    assert e["n_sources"] == 2 and e["sources"] == ["log.csv, row 1", "log.csv, row 8"]
    assert "quantity 7,363 bale (2 of 2 reports)" in e["choice"]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            2,
            {
                "event_date": dt.date(2015, 1, 10),
                "date_precision": "day",
                "agencies": ["DJBC"],
                "action": "seizure",
                "kabkota_code": "3578",
                "quantity_value": 17.0,
                "quantity_unit": "container",
            },
        ),
        (
            3,
            {
                "event_date": dt.date(2023, 4, 6),
                "action": "raid",
                "agencies": ["Polri"],
                "kabkota_code": "1271",
                "quantity_value": 1500.0,
                "quantity_unit": "kg",
                "weight_kg": 1500.0,
                "value_idr": 17.4e9,
            },
        ),
        (
            4,
            {
                "event_date": dt.date(2023, 10, 1),
                "date_precision": "month",
                "action": "raid",
                "agencies": ["Kemendag"],
                "kabkota_code": "3171",
                "quantity_value": None,
                "quantity_vague": True,
            },
        ),
        (
            5,
            {
                "event_date": dt.date(2019, 1, 1),
                "date_precision": "year",
                "action": "interdiction",
                "agencies": ["TNI AL"],
                "kabkota_code": "2171",
                "quantity_value": 5.0,
                "quantity_unit": "sack",
                "value_idr": 243_164_000.0,
            },
        ),
        (
            10,
            {
                "agencies": ["other"],
                "action": "seizure",
                "kabkota_code": "6103",
                "quantity_unit": "package",
                "quantity_value": 200.0,
                "value_idr": 1.06e9,
            },
        ),
        (
            12,
            {
                "quantity_value": 20_000.0,
                "quantity_unit": "kg",
                "weight_kg": 20_000.0,
                "kabkota_code": "3273",
                "province_code": "32",
                "region_match": "exact",
            },
        ),
    ],
)
def test_agency_log_fields_are_parsed(log, row, expected):
    e = event(log, row)
    assert {k: e[k] for k in expected} == expected


def test_agency_log_in_xlsx(tmp_path, refdata):
    path = tmp_path / "log.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Rekap penindakan pakaian bekas 2023"])
    sheet.write_row(2, 0, LOG_HEADER)
    for i, r in enumerate(LOG_ROWS[:4], start=3):
        sheet.write_row(i, 0, r)
    book.close()
    loaded = load_seizures(path, refdata)
    assert loaded.clean.height == 4 and loaded.rejected.height == 0
    assert event(loaded, 3)["value_idr"] == 17.4e9


def test_unknown_header_names_the_file_and_the_layouts(tmp_path, refdata):
    path = tmp_path / "x.csv"
    path.write_text("Tanggal,Berita\n2023-01-01,x\n")
    with pytest.raises(DataError, match=r"x\.csv.*compiled news table.*agency log"):
        load_seizures(path, refdata)


# ---------------------------------------------------------------------------------------------
# The shipped compilation


@pytest.fixture(scope="module")
def news(refdata):
    from conftest import RAW

    folder = RAW / "seizures" / "2026-11-30"
    events = load_seizures(folder / "seizures_news.csv", refdata)
    links = load_event_links(folder / "event_links.csv").clean
    return events, link_events(events.clean.drop("linked_event_id", "counts_in_totals"), links)


def test_95_reports_make_65_events(news):
    loaded, _ = news
    assert (loaded.n_raw, loaded.clean.height, loaded.n_duplicates) == (95, 65, 30)
    assert loaded.clean["event_id"].to_list() == [f"EV{i:03d}" for i in range(1, 66)]


def test_conflicting_reports_keep_the_agreed_figure_and_the_alternatives(news):
    _, events = news
    bekasi = events.filter(pl.col("event_id") == "EV045").row(0, named=True)
    assert (bekasi["quantity_value"], bekasi["quantity_unit"]) == (7363.0, "bale")
    assert bekasi["event_date"] == dt.date(2023, 3, 28)  # not the retrospective's 27 March
    assert bekasi["value_idr"] == 80e9 and bekasi["n_sources"] == 4
    assert "7,363 bale (3 of 4 reports)" in bekasi["choice"]
    assert any(a.startswith("7,000 bale") for a in bekasi["alternatives"])
    samudera = events.filter(pl.col("event_id") == "EV039").row(0, named=True)
    assert samudera["quantity_value"] == 529.0  # precise, not 'sekitar 1.000' or 'ribuan'


def test_places_resolve_to_kemendagri_codes(news):
    _, events = news
    codes = dict(zip(events["event_id"], events["kabkota_code"], strict=True))
    assert (codes["EV001"], codes["EV014"], codes["EV045"], codes["EV046"]) == (
        "3578",
        "3273",
        "3216",
        "1271",
    )
    assert codes["EV043"] == "3174"  # "Polda Metro Jaya", DKI Jakarta: police HQ alias
    assert events.filter(pl.col("province_code").is_null()).height == 0


def test_seizure_and_destruction_of_the_same_goods_count_once(news):
    _, events = news
    linked = dict(zip(events["event_id"], events["linked_event_id"], strict=True))
    assert linked["EV045"] == "EV037" and linked["EV057"] == "EV020"
    assert linked["EV036"] == "EV034"  # no listed link: same 32 koli destroyed in Tarakan
    assert events.filter(pl.col("event_id") == "EV045")["counts_in_totals"].to_list() == [False]
    monthly = seizure_series(events, by="province_code")
    march_jabar = monthly.filter(
        (pl.col("period") == dt.date(2023, 3, 1)) & (pl.col("province_code") == "32")
    ).row(0, named=True)
    counted = events.filter(
        (pl.col("event_date").dt.truncate("1mo") == dt.date(2023, 3, 1))
        & (pl.col("province_code") == "32")
        & pl.col("counts_in_totals")
        & (pl.col("quantity_unit") == "bale")
    )["quantity_value"].sum()
    assert march_jabar["bales"] == counted == 529 + 200  # EV039 and EV042, not the 7,363
    assert march_jabar["destructions"] == 1


def test_officials_aggregates_keep_vague_figures_as_null(refdata):
    from conftest import RAW

    loaded = load_enforcement_aggregates(RAW / "seizures" / "2026-11-30" / "aggregates_news.csv")
    clean = loaded.clean
    assert clean.height == 60
    djbc_2020 = clean.filter((pl.col("period_label") == "2020") & (pl.col("unit") == "actions"))
    assert djbc_2020["value"].to_list() == [169.0]
    assert clean.filter(pl.col("value_vague")).height == 4


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2020", dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
        ("2020-2022", dt.date(2020, 1, 1), dt.date(2022, 12, 31)),
        ("2023-Q1", dt.date(2023, 1, 1), dt.date(2023, 3, 31)),
        ("2023-01/2023-02", dt.date(2023, 1, 1), dt.date(2023, 2, 28)),
        ("2020-01-01/2023-03-24", dt.date(2020, 1, 1), dt.date(2023, 3, 24)),
        ("2019-2023-03 (since 2019, four years)", dt.date(2019, 1, 1), dt.date(2023, 3, 31)),
        ("to 2023-03 (end of March 2023)", None, dt.date(2023, 3, 31)),
        ("sejak lama", None, None),
    ],
)
def test_aggregate_periods(label, start, end):
    assert parse_period(label) == (start, end)


@pytest.mark.parametrize(
    ("text", "agencies"),
    [
        ("Bea Cukai dan Polri", ["DJBC", "Polri"]),
        ("KPPBC TMP Belawan; Lantamal I", ["DJBC", "TNI AL"]),
        ("Ditjen PKTN Kemendag", ["Kemendag"]),
        ("Bakamla RI", ["Bakamla"]),
        ("other (TNI AD Kodim 0907 Tarakan); DJBC", ["other", "DJBC"]),
    ],
)
def test_agencies_are_canonical(text, agencies):
    assert canonical_agencies(text) == agencies


@pytest.mark.parametrize(
    ("text", "action"),
    [("Pemusnahan barang bukti", "destruction"), ("Penggerebekan gudang", "raid"),
     ("penangkapan kapal di perairan", "interdiction"), ("Penyitaan", "seizure"),
     ("interdiction", "interdiction"), ("lelang", None)],
)  # fmt: skip
def test_actions_are_canonical(text, action):
    assert canonical_action(text) == action
