"""The customs loader on the shipped compiled trade facts and on files written here."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from thriftwatch import DataError, load_customs
from thriftwatch.loaders.customs import to_iso3

HEADER = (
    "year,period,reporter,partner,flow,weight_as_given,value_as_given,net_weight_kg,value_usd,"
    "entry_point,source,source_kind,source_date,quoted_origin,notes\n"
)
GOOD = "2022,2022,Indonesia,Jepang,import,12.003 kg,USD 24.478,12003,24478,,https://a.example/x,news_quote,2023-03-15,BPS,\n"


def write(tmp_path, *rows: str, header: str = HEADER):
    path = tmp_path / "trade.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    return path


def test_every_shipped_file_conserves_rows(customs_snapshot):
    files = sorted(customs_snapshot.glob("*.csv"))
    assert len(files) == 6
    for path in files:
        loaded = load_customs(path)
        raw_rows = pl.read_csv(path, infer_schema=False).height
        assert loaded.n_raw == raw_rows
        assert loaded.n_raw == loaded.clean.height + loaded.rejected.height + loaded.n_duplicates


def test_partner_file_loads_every_row_with_iso3_codes_and_cif_values(customs_snapshot):
    loaded = load_customs(customs_snapshot / "bps_imports_hs6309_by_partner.csv")
    clean = loaded.clean
    assert (clean.height, loaded.rejected.height) == (28, 0)
    assert set(clean["reporter_iso3"]) == {"IDN"}
    assert {
        "AUS",
        "JPN",
        "USA",
        "SGP",
        "MYS",
        "HKG",
        "NGA",
        "CHN",
        "IND",
        "KEN",
        "THA",
        "GBR",
        "KOR",
        "FRA",
        "TWN",
    } == set(clean["partner_iso3"])
    mys_2022 = clean.filter((pl.col("partner_iso3") == "MYS") & (pl.col("year") == 2022))
    assert sorted(mys_2022["net_weight_kg"].to_list()) == [1646.0, 1650.0]
    # BPS import values are CIF; a row without a value has no valuation
    assert set(clean.filter(pl.col("value_usd").is_not_null())["valuation"]) == {"CIF"}
    assert clean.filter(pl.col("value_usd").is_null())["valuation"].null_count() == (
        clean["value_usd"].null_count()
    )
    # January 2023 rows are monthly, the rest annual
    monthly = clean.filter(pl.col("period_type") == "monthly")
    assert monthly["month"].to_list() == [1, 1]
    assert monthly["period_end"].to_list() == [dt.date(2023, 1, 31)] * 2
    assert clean.filter(pl.col("period_type") == "annual")["month"].null_count() == 26


def test_mirror_file_gives_partner_reported_exports_in_kg(customs_snapshot):
    clean = load_customs(customs_snapshot / "mirror_exports_hs6309_to_indonesia.csv").clean
    mys = clean.filter(pl.col("reporter_iso3") == "MYS").sort("year")
    assert mys["year"].to_list() == [2020, 2021, 2022]
    assert mys["net_weight_kg"].to_list() == [22_842_000.0, 25_323_000.0, 24_544_000.0]
    assert set(mys["flow"]) == {"export"} and set(mys["partner_iso3"]) == {"IDN"}
    # the Kompas totals are world totals quoted in rupiah only: kept, never converted
    world = clean.filter(pl.col("reporter_iso3") == "WLD").sort("year")
    assert world["local_currency"].to_list() == ["IDR", "IDR"]
    assert world["value_usd"].null_count() == 2


def test_hs_codes_are_strings_normalised_to_hs6(customs_snapshot):
    clean = load_customs(customs_snapshot / "bps_imports_hs6309_annual.csv").clean
    assert set(clean["hs6"]) == {"630900"}
    assert set(clean["hs_code"]) == {"6309", "63090000"}  # '6309.00.00' -> 63090000
    assert clean.schema["hs6"] == pl.String


def test_partial_periods_and_approximate_figures(customs_snapshot):
    clean = load_customs(customs_snapshot / "hs6309_monthly_and_partial_periods.csv").clean
    jan_jul_2024 = clean.filter(pl.col("period_start") == dt.date(2024, 1, 1)).sort("period_end")
    assert jan_jul_2024["period_type"].to_list() == ["partial", "annual"]
    assert jan_jul_2024["period_end"].to_list() == [dt.date(2024, 7, 31), dt.date(2024, 12, 31)]
    april = clean.filter(pl.col("month") == 4).row(0, named=True)
    assert april["weight_estimated"] and april["value_estimated"]  # 'sekitar', 'mendekati'


def test_multi_year_aggregates_are_quarantined_with_reasons(customs_snapshot):
    loaded = load_customs(customs_snapshot / "hs6309_aggregates_and_rankings.csv")
    assert loaded.clean.height == 0
    reasons = loaded.rejected["reason"].to_list()
    assert reasons[0] == (
        "period '2020-2022' is not a year (YYYY), a month (YYYY-MM) or a date range"
    )
    raw = json.loads(loaded.rejected["raw"][0])
    assert raw["figure_as_given"] == "72.700 ton (three-year total)"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (GOOD.replace("Jepang", "Atlantis"), "unknown partner country 'Atlantis'"),
        (GOOD.replace(",12003,", ",-5,"), "negative net weight"),
        (GOOD.replace(",24478,", ",sekitar 20 ribu,"), "value_usd is not a number"),
        (GOOD.replace("2022,2022,", "1850,1850,"), "impossible year"),
        (
            GOOD.replace("2022,2022,", f"{dt.date.today().year + 1},{dt.date.today().year + 1},"),
            "period lies in the future",
        ),
        (GOOD.replace(",import,", ",transit,"), "unknown flow 'transit'"),
        (GOOD.replace("2022,2022,", "2022,2021,"), "year '2022' does not match period '2021'"),
        (GOOD.replace(",12003,24478,", ",,,"), "no figure: neither a weight nor a value"),
    ],
)
def test_bad_rows_are_quarantined_with_their_reason(tmp_path, row, reason):
    loaded = load_customs(write(tmp_path, GOOD, row))
    assert loaded.clean.height == 1
    assert loaded.rejected.height == 1
    assert reason in loaded.rejected["reason"][0]
    assert loaded.rejected["source_row"][0] == 2
    assert json.loads(loaded.rejected["raw"][0])["flow"] == row.split(",")[4]


def test_exact_duplicate_rows_are_counted_not_kept(tmp_path):
    loaded = load_customs(write(tmp_path, GOOD, GOOD, GOOD.replace("12003", "12004")))
    assert (loaded.n_raw, loaded.clean.height, loaded.n_duplicates) == (3, 2, 1)


def test_unknown_header_names_the_file_and_the_expected_columns(tmp_path):
    path = write(tmp_path, "1,2\n", header="foo,bar\n")
    with pytest.raises(DataError) as info:
        load_customs(path)
    message = str(info.value)
    assert "trade.csv" in message and "foo, bar" in message
    assert "reporter or reporter_exporter" in message


def test_country_names_in_indonesian_and_english_map_to_iso3_and_unknowns_stay_null():
    names = pl.Series(
        [
            "Jepang",
            "korea selatan",
            "Amerika  Serikat",
            "Tiongkok",
            "Singapura",
            "United Kingdom",
            "MYS",
            "Narnia",
            None,
        ]
    )
    assert to_iso3(names).to_list() == ["JPN", "KOR", "USA", "CHN", "SGP", "GBR", "MYS", None, None]


PARTIAL_HEADER = (
    "period_start,period_end,period_label,reporter,partner,flow,weight_as_given,value_as_given,"
    "net_weight_kg,value_usd,value_qualifier,source,source_kind,source_date,notes\n"
)
PARTIAL_GOOD = "2024-01-01,2024-07-31,2024-01..07,Indonesia,World,import,,,1950000,473340,,https://a.example,news_quote,2025-09-11,\n"


@pytest.mark.parametrize(
    ("dates", "reason"),
    [
        ("2023-06-01,2024-05-31", "period '2023-06-01..2024-05-31' spans several years"),
        ("2024-07-31,2024-01-01", "period ends before it starts"),
        ("2024-02-30,2024-03-31", "is not a year (YYYY), a month (YYYY-MM) or a date range"),
    ],
)
def test_bad_date_ranges_are_quarantined(tmp_path, dates, reason):
    bad = PARTIAL_GOOD.replace("2024-01-01,2024-07-31", dates)
    loaded = load_customs(write(tmp_path, PARTIAL_GOOD, bad, header=PARTIAL_HEADER))
    assert loaded.clean.height == 1
    assert reason in loaded.rejected["reason"][0]
