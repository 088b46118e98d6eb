"""Mirror gap and preferred figures on the shipped facts and on small frames."""

from __future__ import annotations

import polars as pl
import pytest

from thriftwatch import load_customs
from thriftwatch.trade import (
    annual_totals,
    gap_cell,
    latest_comparable_year,
    mirror_gap,
    preferred_figures,
)


@pytest.fixture(scope="module")
def customs(customs_snapshot) -> pl.DataFrame:
    return pl.concat([load_customs(p).clean for p in sorted(customs_snapshot.glob("*.csv"))])


@pytest.fixture(scope="module")
def gap(customs) -> pl.DataFrame:
    return mirror_gap(customs)


@pytest.mark.parametrize(
    ("year", "mirror_kg", "reported_kg"),
    [(2020, 22_842_000, 1_980), (2021, 25_323_000, 600), (2022, 24_544_000, 1_650)],
)
def test_malaysia_mirror_gap_from_the_shipped_facts(gap, year, mirror_kg, reported_kg):
    cell = gap_cell(gap, "MYS", year)
    assert cell["mirror_kg"] == mirror_kg
    assert cell["reported_kg"] == reported_kg
    assert cell["gap_kg"] == mirror_kg - reported_kg
    assert cell["ratio_kg"] == pytest.approx(mirror_kg / reported_kg)
    assert cell["coverage_kg"] == "both"
    assert cell["transit_hub"] is True


def test_headline_2022_is_about_24_500_tonnes_against_1_65(gap):
    assert latest_comparable_year(gap, "MYS") == 2022
    cell = gap_cell(gap, "MYS", 2022)
    assert round(cell["mirror_kg"] / 1000, -2) == 24_500
    assert round(cell["reported_kg"] / 1000, 2) == 1.65


def test_a_missing_side_is_null_never_a_zero_gap(gap):
    korea = gap_cell(gap, "KOR", 2022)  # Korea reports 588 t; BPS lists no Korea row for 2022
    assert korea["mirror_kg"] == 588_000
    assert korea["reported_kg"] is None and korea["gap_kg"] is None
    assert korea["coverage_kg"] == "mirror_only"
    australia = gap_cell(gap, "AUS", 2022)
    assert australia["mirror_kg"] is None and australia["coverage_kg"] == "reported_only"


def test_preferred_figure_is_the_most_precise_and_the_spread_is_kept(customs):
    figures = preferred_figures(customs)
    world = figures.filter(
        (pl.col("reporter_iso3") == "IDN") & (pl.col("partner_iso3") == "WLD")
    ).sort("year")
    by_year = {r["year"]: r for r in world.iter_rows(named=True)}
    # the compilers' suggested rows: 2021 = 7,940 kg / USD 44,136; 2022 = 26,224 kg / USD 272,146
    assert (by_year[2021]["net_weight_kg"], by_year[2021]["value_usd"]) == (7940, 44136)
    assert (by_year[2022]["net_weight_kg"], by_year[2022]["value_usd"]) == (26224, 272146)
    assert (by_year[2021]["n_sources"], by_year[2021]["kg_min"], by_year[2021]["kg_max"]) == (
        3,
        7900,
        8000,
    )
    # 2019: BBC (392 t with a value) beats VOI (417.7 t, value only a lower bound)
    assert by_year[2019]["net_weight_kg"] == 392_000 and by_year[2019]["kg_max"] == 417_700


def _row(kg, usd, *, approx=False, source="s", date="2023-01-01", **overrides):
    """One clean customs row; `overrides` set any other column."""
    row = {
        "year": 2022,
        "month": None,
        "period_type": "annual",
        "reporter_iso3": "IDN",
        "partner_iso3": "JPN",
        "flow": "import",
        "hs6": "630900",
        "net_weight_kg": kg,
        "value_usd": usd,
        "valuation": "CIF" if usd is not None else None,
        "weight_estimated": approx,
        "value_estimated": approx,
        "source_kind": "news_quote",
        "producer": "BPS",
        "source": source,
        "source_url": source if "://" in source else None,
        "source_date": date,
        "source_detail": None,
        "source_file": "f.csv",
        "source_row": 1,
    }
    return {**row, **overrides}


def frame(*rows) -> pl.DataFrame:
    types = {
        "month": pl.Int8,
        "source_row": pl.UInt32,
        "net_weight_kg": pl.Float64,
        "value_usd": pl.Float64,
        "port": pl.String,
    }
    return pl.DataFrame(list(rows), schema_overrides=types)


def test_an_approximate_figure_loses_to_a_stated_one_even_if_less_rounded():
    best = preferred_figures(
        frame(
            _row(12345.0, 999.0, approx=True, source="a"),
            _row(12000.0, 1000.0, source="b", source_row=2),
        )
    )
    assert best.height == 1
    assert best["source"][0] == "b"
    assert best["n_sources"][0] == 2


def test_an_official_extract_beats_a_more_precise_news_quote():
    best = preferred_figures(
        frame(
            _row(12003.0, 24478.0, source="news"),
            _row(
                12000.0,
                24000.0,
                source="BPS portal",
                source_kind="bps_portal",
                source_file="bps.csv",
            ),
        )
    )
    assert best["source"].to_list() == ["BPS portal"]


def _months(n, *, kg=100.0, usd=300.0, **overrides):
    return [
        _row(
            kg,
            usd,
            month=m,
            period_type="monthly",
            source_kind="bps_portal",
            source_file="bps.csv",
            source_row=m,
            **overrides,
        )
        for m in range(1, n + 1)
    ]


def test_ports_and_months_of_a_full_year_are_summed_into_one_annual_figure():
    rows = [
        *_months(12),
        _row(
            5.0,
            10.0,
            month=3,
            period_type="monthly",
            source_kind="bps_portal",
            source_file="bps.csv",
            source_row=13,
            port="Belawan",
        ),
    ]
    totals = annual_totals(frame(*rows))
    assert totals.height == 1
    total = totals.row(0, named=True)
    assert (total["net_weight_kg"], total["value_usd"], total["n_parts"]) == (1205.0, 3610.0, 13)


def test_a_year_with_missing_months_is_not_turned_into_an_annual_total():
    assert annual_totals(frame(*_months(11))).height == 0


def test_a_part_without_a_figure_makes_the_total_unknown_not_smaller():
    rows = _months(12)
    rows[4] = {**rows[4], "value_usd": None}
    total = annual_totals(frame(*rows)).row(0, named=True)
    assert total["net_weight_kg"] == 1200.0 and total["value_usd"] is None


def _pair(mirror_kg, mirror_usd, reported_kg, reported_usd, partner="MYS"):
    return frame(
        _row(
            mirror_kg,
            mirror_usd,
            reporter_iso3=partner,
            partner_iso3="IDN",
            flow="export",
            valuation="FOB",
            source_kind="un_comtrade",
            source_file="ct.csv",
        ),
        _row(
            reported_kg,
            reported_usd,
            partner_iso3=partner,
            source_kind="bps_portal",
            source_file="bps.csv",
        ),
    )


def test_fob_exports_are_raised_to_cif_before_the_value_gap():
    gap = mirror_gap(_pair(1000.0, 2000.0, 400.0, 1000.0)).row(0, named=True)
    assert gap["mirror_usd_cif"] == pytest.approx(2200.0)
    assert gap["gap_usd"] == pytest.approx(1200.0)
    assert gap["ratio_usd"] == pytest.approx(2.2)
    assert (gap["gap_kg"], gap["unrecorded_kg"]) == (600.0, 600.0)
    plain = mirror_gap(_pair(1000.0, 2000.0, 400.0, 1000.0), cif_fob_factor=1.0)
    assert plain["gap_usd"].to_list() == [1000.0]


def test_more_recorded_than_reported_shipped_is_a_negative_gap_but_no_unrecorded_weight():
    gap = mirror_gap(_pair(100.0, None, 400.0, None)).row(0, named=True)
    assert (gap["gap_kg"], gap["unrecorded_kg"]) == (-300.0, 0.0)


def test_implausible_unit_values_are_flagged():
    gap = mirror_gap(_pair(1000.0, 2000.0, 2.0, 900.0)).row(0, named=True)
    assert gap["mirror_usd_per_kg"] == 2.0 and gap["mirror_unit_value_flag"] is None
    assert gap["reported_usd_per_kg"] == 450.0 and gap["reported_unit_value_flag"] == "high"
    assert gap["role"] == "transit hub"
