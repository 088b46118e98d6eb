"""Mirror gap and preferred figures on the shipped facts and on small frames."""

from __future__ import annotations

import polars as pl
import pytest

from thriftwatch import load_customs
from thriftwatch.trade import gap_cell, latest_comparable_year, mirror_gap, preferred_figures


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


def _row(kg, usd, *, approx=False, source="s", date="2023-01-01"):
    return {
        "reporter_iso3": "IDN",
        "partner_iso3": "JPN",
        "flow": "import",
        "hs6": "630900",
        "year": 2022,
        "period_type": "annual",
        "net_weight_kg": kg,
        "value_usd": usd,
        "weight_estimated": approx,
        "value_estimated": approx,
        "source_date": date,
        "source": source,
        "source_row": 1,
    }


def test_an_approximate_figure_loses_to_a_stated_one_even_if_less_rounded():
    frame = pl.DataFrame(
        [_row(12345.0, 999.0, approx=True, source="a"), _row(12000.0, 1000.0, source="b")]
    )
    best = preferred_figures(frame)
    assert best.height == 1
    assert best["source"][0] == "b"
    assert best["n_sources"][0] == 2
