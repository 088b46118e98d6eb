"""Trend models on series with known effects, and their refusals on series that cannot
carry them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from thriftwatch import trends

MONTHS = trends.months(dt.date(2020, 1, 1), dt.date(2025, 6, 1))
CRACKDOWN = {"crackdown": dt.date(2023, 3, 15)}


def simulated(shift: float, *, lebaran: float = 0.0, seed: int = 3, noise: float = 0.05):
    """Listings per month: a slow rise, a Lebaran bump and a level shift of `shift` (log
    scale) from March 2023."""
    rng = np.random.default_rng(seed)
    holidays = trends._holiday_terms(MONTHS)["lebaran"]
    values = [
        1000 * np.exp(0.004 * i + (shift if m >= dt.date(2023, 3, 1) else 0.0)
                      + lebaran * holidays[i] + rng.normal(0, noise))
        for i, m in enumerate(MONTHS)
    ]  # fmt: skip
    return pl.DataFrame({"period": MONTHS, "listings": values})


def effect(result, term):
    return result.estimates.filter(pl.col("term") == term).row(0, named=True)


@pytest.mark.parametrize("true_change", [-0.30, -0.10, 0.25])
def test_a_level_shift_of_known_size_falls_inside_its_interval(true_change):
    shift = np.log(1 + true_change)
    result = trends.intervention_model(simulated(shift), "listings", dates=CRACKDOWN,
                                       ramps=False)  # fmt: skip
    assert result.fitted
    row = effect(result, "crackdown_level")
    assert row["effect_low"] <= true_change * 100 <= row["effect_high"]
    assert row["effect_high"] - row["effect_low"] < 30  # informative, not a blank cheque


def test_no_shift_gives_an_interval_around_zero():
    row = effect(trends.intervention_model(simulated(0.0), "listings", dates=CRACKDOWN,
                                           ramps=False), "crackdown_level")  # fmt: skip
    assert row["effect_low"] < 0 < row["effect_high"]


def test_the_lebaran_peak_is_found():
    result = trends.intervention_model(simulated(0.0, lebaran=np.log(1.4)), "listings",
                                       dates=CRACKDOWN, ramps=False)  # fmt: skip
    row = effect(result, "lebaran")
    assert row["effect_low"] <= 40 <= row["effect_high"] and row["p_value"] < 0.01


def test_forecast_and_diagnostics_come_with_the_model():
    result = trends.intervention_model(simulated(-0.2), "listings", dates=CRACKDOWN)
    assert result.forecast.height == 12
    assert (result.forecast["low"] <= result.forecast["mean"]).all()
    assert (result.forecast["mean"] <= result.forecast["high"]).all()
    assert result.forecast["period"][0] == dt.date(2025, 7, 1)
    measures = set(result.diagnostics["measure"])
    assert {"observations", "jarque_bera_p", "aic", "bic"} <= measures
    assert any(m.startswith("ljung_box_p") for m in measures)


def test_stl_finds_a_fixed_seasonal_pattern():
    season = np.tile([0, 0.1, 0.3, 0.1, 0, -0.1, -0.2, -0.1, 0, 0.05, 0.1, -0.25], 6)[: len(MONTHS)]
    values = 1000 * np.exp(season + 0.002 * np.arange(len(MONTHS)))
    series = pl.DataFrame({"period": MONTHS, "listings": values})
    result = trends.stl(series, "listings")
    strength = result.diagnostics.filter(pl.col("measure") == "seasonal_strength")["value"].item()
    assert strength > 0.9


def test_count_model_recovers_a_rate_ratio():
    rng = np.random.default_rng(5)
    rate = np.array([2.0 if m < dt.date(2023, 3, 1) else 6.0 for m in MONTHS])
    series = pl.DataFrame({"period": MONTHS, "events": rng.poisson(rate)})
    result = trends.count_model(series, dates=CRACKDOWN)
    row = effect(result, "crackdown_level")
    assert row["effect_low"] <= 3.0 <= row["effect_high"]
    assert "pearson_dispersion" in set(result.diagnostics["measure"])


def test_overdispersed_counts_switch_to_negative_binomial():
    rng = np.random.default_rng(8)
    series = pl.DataFrame({"period": MONTHS, "events": rng.negative_binomial(1, 0.2, len(MONTHS))})
    result = trends.count_model(series, dates=CRACKDOWN)
    assert result.fitted
    assert result.diagnostics["family"][0].startswith("negative binomial")


@pytest.mark.parametrize(
    ("series", "reason"),
    [
        (pl.DataFrame({"period": MONTHS[:10], "listings": [5.0] * 10}), "10 months"),
        (pl.DataFrame({"period": [], "listings": []}, schema={"period": pl.Date,
                                                              "listings": pl.Float64}), "0 months"),
        (pl.DataFrame({"period": MONTHS, "listings": [7.0] * len(MONTHS)}), "constant"),
        (pl.DataFrame({"period": MONTHS, "listings": [0.0] * len(MONTHS)}), "log scale"),
    ],
)  # fmt: skip
def test_models_say_why_they_do_not_fit_instead_of_failing(series, reason):
    for result in (trends.intervention_model(series, "listings"), trends.stl(series, "listings")):
        assert not result.fitted and result.reason
    assert reason in trends.intervention_model(series, "listings").reason


def test_count_model_on_a_series_without_events():
    series = pl.DataFrame({"period": MONTHS, "events": [0] * len(MONTHS)})
    result = trends.count_model(series)
    assert not result.fitted and result.reason == "no event in the whole series"


def test_a_policy_date_too_close_to_the_end_is_left_out_with_a_note():
    result = trends.intervention_model(simulated(0.0), "listings",
                                       dates={"late": dt.date(2025, 3, 1)})  # fmt: skip
    assert result.fitted and "late_level" not in set(result.estimates["term"])
    assert any("late" in n for n in result.notes)


def test_stl_refuses_a_series_with_gaps():
    series = simulated(0.0).with_columns(
        pl.when(pl.col("period") == dt.date(2022, 5, 1)).then(None).otherwise(pl.col("listings"))
        .alias("listings")
    )  # fmt: skip
    assert trends.stl(series, "listings").reason == "the series has gaps; STL needs every month"


def test_calendars_make_gaps_explicit_and_zero_only_counts():
    series = pl.DataFrame({"period": [dt.date(2023, 1, 1), dt.date(2023, 4, 1)],
                           "events": [2, 1], "bales": [100.0, None]})  # fmt: skip
    full = trends.complete(series, zero=("events",))
    assert full["period"].to_list() == trends.months(dt.date(2023, 1, 1), dt.date(2023, 4, 1))
    assert full["events"].to_list() == [2, 0, 0, 1]
    assert full["bales"].to_list() == [100.0, None, None, None]
    assert full["observed"].to_list() == [True, False, False, True]


def test_annual_gap_trend_only_where_the_data_carry_one():
    rows = [
        {
            "partner_iso3": "MYS",
            "year": y,
            "coverage_kg": "both",
            "unrecorded_kg": 20e6 + 1e6 * (y - 2016),
        }
        for y in range(2016, 2023)
    ]
    rows += [{"partner_iso3": "SGP", "year": 2022, "coverage_kg": "both", "unrecorded_kg": 5e5}]
    summary = trends.annual_gap_summary(pl.DataFrame(rows)).sort("partner_iso3")
    malaysia, singapore = summary.row(0, named=True), summary.row(1, named=True)
    assert malaysia["trend_low"] <= 1000 <= malaysia["trend_high"]  # 1,000 t a year
    assert singapore["trend_t_per_year"] is None and "too few" in singapore["note"]
