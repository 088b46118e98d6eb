"""Series and models of the trade over time. Pure functions, frames in, frames out.

Series builders put every source on a calendar with its gaps explicit; models return tidy
tables of estimates with intervals, diagnostics, fitted values and forecasts, or say why
they were not fitted (too few points, a constant or empty series), never raise.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from thriftwatch.policy import POLICY_DATES

#: Units of seized goods summed into series columns.
SERIES_UNITS = {"bale": "bales", "package": "packages", "sack": "sacks", "container": "containers"}
#: The columns of `listings_clean` the listing series read (and the trends step loads).
LISTING_COLUMNS = ("seller_id", "price_idr", "posted_at", "is_secondhand")


def seizure_series(
    events: pl.DataFrame, *, every: str = "1mo", by: str | None = "province_code"
) -> pl.DataFrame:
    """Enforcement events per period (and per `by`, e.g. province): counts of events,
    seizures (every action but destruction) and destructions, and the goods and rupiah of the
    events that count in totals (a destruction of goods already seized does not).

    Only events dated at least as precisely as the period are counted: a monthly series
    leaves out events known only by year. Periods without events are absent, not zero: the
    reporting behind these tables is too uneven to read a silent month as a quiet one.
    """
    precise = ("day", "month") if every.endswith("mo") or every.endswith("q") else (
        "day", "month", "year"
    )  # fmt: skip
    counted = pl.col("counts_in_totals")

    def goods(unit: str) -> pl.Expr:
        return (
            pl.when(counted & (pl.col("quantity_unit") == unit))
            .then(pl.col("quantity_value"))
            .sum()
            .alias(SERIES_UNITS[unit])
        )

    keys = ["period", by] if by else ["period"]
    return (
        events.filter(pl.col("date_precision").is_in(precise))
        .with_columns(period=pl.col("event_date").dt.truncate(every))
        .group_by(keys)
        .agg(
            pl.len().alias("events"),
            (pl.col("action") != "destruction").sum().alias("seizures"),
            (pl.col("action") == "destruction").sum().alias("destructions"),
            *[goods(u) for u in SERIES_UNITS],
            pl.when(counted).then(pl.col("weight_kg")).sum().alias("kg"),
            pl.when(counted).then(pl.col("value_idr")).sum().alias("value_idr"),
            pl.col("event_id").alias("event_ids"),
        )
        .sort(keys, nulls_last=True)
    )


# ---------------------------------------------------------------------------------------------
# Calendars and series

#: Eid al-Fitr (Lebaran); the month before it is Ramadan. The Islamic calendar moves about
#: 11 days a year, so a fixed 12-month season cannot carry this peak: models use regressors.
LEBARAN = {
    2019: dt.date(2019, 6, 5), 2020: dt.date(2020, 5, 24), 2021: dt.date(2021, 5, 13),
    2022: dt.date(2022, 5, 2), 2023: dt.date(2023, 4, 22), 2024: dt.date(2024, 4, 10),
    2025: dt.date(2025, 3, 31), 2026: dt.date(2026, 3, 20), 2027: dt.date(2027, 3, 10),
}  # fmt: skip


def months(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months from `start` to `end`, both included."""
    out, m = [], start.replace(day=1)
    while m <= end:
        out.append(m)
        m = dt.date(m.year + m.month // 12, m.month % 12 + 1, 1)
    return out


def complete(series: pl.DataFrame, *, zero: tuple[str, ...] = ()) -> pl.DataFrame:
    """A monthly series on every month from its first to its last period: absent months
    are explicit rows with `observed = False`, their values null, except the counts named in
    `zero`, which are true zeros (no event reported is a count of 0 reported events)."""
    if series.is_empty():
        return series.with_columns(observed=pl.lit(True))
    calendar = pl.DataFrame({"period": months(series["period"].min(), series["period"].max())})
    full = calendar.join(series.with_columns(observed=pl.lit(True)), on="period", how="left")
    return full.with_columns(
        pl.col("observed").fill_null(False), *[pl.col(c).fill_null(0) for c in zero]
    )


def listing_series(listings: pl.DataFrame, *, by: str | None = None) -> pl.DataFrame:
    """Per month (and `by`): second-hand listings posted, distinct sellers and the median
    price, on a complete calendar whose months without any listing are explicit gaps."""
    dated = listings.filter(pl.col("is_secondhand") & pl.col("posted_at").is_not_null())
    keys = ["period", by] if by else ["period"]
    grouped = (
        dated.with_columns(period=pl.col("posted_at").dt.truncate("1mo").dt.date())
        .group_by(keys)
        .agg(
            pl.len().alias("listings"),
            pl.col("seller_id").n_unique().alias("sellers"),
            pl.col("price_idr").median().alias("median_price"),
        )
        .sort(keys)
    )
    return grouped if by else complete(grouped)


def seizure_month_series(events: pl.DataFrame) -> pl.DataFrame:
    """National monthly seizure series on a complete calendar: events counted 0 in months
    with no reported event; goods and rupiah null there (nothing was reported)."""
    national = seizure_series(events, every="1mo", by=None).drop("event_ids")
    return complete(
        national.with_columns(pl.col("period").cast(pl.Date)),
        zero=("events", "seizures", "destructions"),
    )


def trade_series(figures: pl.DataFrame) -> pl.DataFrame:
    """Per year: BPS-recorded imports of HS 6309 from all partners (kg, USD), Malaysia's
    reported exports to Indonesia and the 'selected Asian exporters' total (kg); every year
    from the first to the last figure, absent ones null."""

    def pick(reporter: str, partner: str, flow: str, column: str, name: str) -> pl.DataFrame:
        return figures.filter(
            (pl.col("reporter_iso3") == reporter) & (pl.col("partner_iso3") == partner)
            & (pl.col("flow") == flow)
        ).select("year", pl.col(column).alias(name))  # fmt: skip

    parts = [
        pick("IDN", "WLD", "import", "net_weight_kg", "bps_import_kg"),
        pick("IDN", "WLD", "import", "value_usd", "bps_import_usd"),
        pick("MYS", "IDN", "export", "net_weight_kg", "malaysia_export_kg"),
        pick("XAS", "IDN", "export", "net_weight_kg", "selected_asia_export_kg"),
        pick("WLD", "IDN", "export", "net_weight_kg", "world_export_kg"),
    ]
    years = pl.concat([p.select("year") for p in parts]).unique()
    if years.is_empty():
        return pl.DataFrame(schema={"year": pl.Int32})
    table = pl.DataFrame({"year": list(range(years["year"].min(), years["year"].max() + 1))},
                         schema={"year": pl.Int32})  # fmt: skip
    for part in parts:
        table = table.join(part, on="year", how="left")
    return table


# ---------------------------------------------------------------------------------------------
# Models

MIN_MONTHS = 24  # fewer monthly points carry no trend-plus-intervention model
MIN_AFTER = 6  # months needed after a policy date to estimate its effect


@dataclass
class ModelResult:
    """A model's output as tidy tables, or why it was not fitted."""

    name: str
    fitted: bool
    reason: str | None = None
    estimates: pl.DataFrame = field(default_factory=pl.DataFrame)
    diagnostics: pl.DataFrame = field(default_factory=pl.DataFrame)
    fitted_values: pl.DataFrame = field(default_factory=pl.DataFrame)
    forecast: pl.DataFrame = field(default_factory=pl.DataFrame)
    notes: list[str] = field(default_factory=list)


def _not_fitted(name: str, reason: str) -> ModelResult:
    return ModelResult(name, fitted=False, reason=reason)


def _usable(series: pl.DataFrame, value: str) -> pl.DataFrame:
    return series.filter(pl.col(value).is_not_null()).sort("period")


def _holiday_terms(periods: list[dt.date]) -> dict[str, np.ndarray]:
    """Indicators of the Ramadan month and the Lebaran month (by the month containing the
    larger part of each)."""
    ramadan, lebaran = np.zeros(len(periods)), np.zeros(len(periods))
    for i, p in enumerate(periods):
        eid = LEBARAN.get(p.year)
        if eid is None:
            continue
        start = eid - dt.timedelta(days=30)
        ramadan_month = start.replace(day=1) if start.day <= 15 else dt.date(
            start.year + start.month // 12, start.month % 12 + 1, 1)  # fmt: skip
        ramadan[i] = p == ramadan_month
        lebaran[i] = p == eid.replace(day=1)
    return {"ramadan": ramadan, "lebaran": lebaran}


def _policy_terms(
    periods: list[dt.date], dates: dict[str, dt.date], ramps: bool, notes: list[str]
) -> dict[str, np.ndarray]:
    """Level shift (and ramp, in months since) at each policy date with enough data after
    it; dates too close to the end are left out, with a note."""
    terms = {}
    for name, date in dates.items():
        after = np.array([p >= date.replace(day=1) for p in periods], dtype=float)
        if after.sum() < MIN_AFTER or (1 - after).sum() < MIN_AFTER:
            notes.append(
                f"{name} ({date}): fewer than {MIN_AFTER} months on one side, no effect fitted"
            )
            continue
        terms[f"{name}_level"] = after
        if ramps:
            terms[f"{name}_ramp"] = np.cumsum(after) - after  # 0 in the first month after
    return terms


def _diagnostics(residuals: np.ndarray, result: object, n: int) -> pl.DataFrame:
    from scipy import stats
    from statsmodels.stats.diagnostic import acorr_ljungbox

    lags = max(1, min(12, n // 4))
    ljung = acorr_ljungbox(residuals, lags=[lags], return_df=True)
    normal = stats.jarque_bera(residuals)
    rows = [
        ("observations", float(n)),
        (f"ljung_box_p_lag{lags}", float(ljung["lb_pvalue"].iloc[0])),
        ("jarque_bera_p", float(normal.pvalue)),
        ("aic", float(getattr(result, "aic", np.nan))),
        ("bic", float(getattr(result, "bic", np.nan))),
    ]
    return pl.DataFrame(rows, schema=["measure", "value"], orient="row")


def stl(series: pl.DataFrame, value: str, *, period: int = 12) -> ModelResult:
    """STL decomposition (trend, seasonal, residual) of a monthly series without gaps."""
    from statsmodels.tsa.seasonal import STL

    name = f"STL of {value}"
    data = _usable(series, value)
    if data.height < 2 * period + 1:
        return _not_fitted(name, f"{data.height} months; STL needs at least {2 * period + 1}")
    if data.height != series.filter(pl.col("period") >= data["period"].min()).height:
        return _not_fitted(name, "the series has gaps; STL needs every month")
    y = data[value].cast(pl.Float64).to_numpy()
    if np.allclose(y, y[0]):
        return _not_fitted(name, "the series is constant")
    fit = STL(y, period=period, robust=True).fit()
    parts = data.select("period", pl.col(value).alias("observed")).with_columns(
        trend=pl.Series(fit.trend), seasonal=pl.Series(fit.seasonal), residual=pl.Series(fit.resid)
    )
    strength = max(0.0, 1 - np.var(fit.resid) / np.var(fit.seasonal + fit.resid))
    diagnostics = pl.DataFrame(
        [("observations", float(len(y))), ("seasonal_strength", float(strength))],
        schema=["measure", "value"], orient="row",
    )  # fmt: skip
    return ModelResult(name, True, estimates=parts, diagnostics=diagnostics, fitted_values=parts)


def intervention_model(
    series: pl.DataFrame,
    value: str,
    *,
    dates: dict[str, dt.date] = POLICY_DATES,
    ramps: bool = True,
    log: bool = True,
    horizon: int = 12,
) -> ModelResult:
    """A regression with AR(1) errors (SARIMAX) of a monthly series on a linear trend, the
    Ramadan and Lebaran months, and a level shift and ramp at each policy date; effects with
    95 % intervals (as percentages when `log`), diagnostics, and a `horizon`-month forecast
    with its interval (the policy terms held at their last values)."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    name = f"Intervention model of {value}"
    data = _usable(series, value)
    if data.height < MIN_MONTHS:
        return _not_fitted(name, f"{data.height} months; the model needs at least {MIN_MONTHS}")
    y = data[value].cast(pl.Float64).to_numpy()
    if log and (y <= 0).any():
        return _not_fitted(name, "zeros or negatives cannot be modelled on a log scale")
    if np.allclose(y, y[0]):
        return _not_fitted(name, "the series is constant")
    periods = data["period"].to_list()
    notes: list[str] = []
    terms = {"trend": np.arange(len(y), dtype=float), **_holiday_terms(periods),
             **_policy_terms(periods, dates, ramps, notes)}  # fmt: skip
    terms = {k: v for k, v in terms.items() if v.std() > 0}
    exog = np.column_stack(list(terms.values()))
    target = np.log(y) if log else y
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = SARIMAX(target, exog=exog, order=(1, 0, 0), trend="c")
        result = model.fit(disp=False, maxiter=500)
    if any("converge" in str(w.message).lower() for w in caught):
        notes.append("the optimiser reported a convergence warning; read intervals with care")
    params, ci = result.params, result.conf_int(alpha=0.05)
    names = result.model.exog_names if hasattr(result.model, "exog_names") else []
    labels = {f"x{i + 1}": k for i, k in enumerate(terms)}
    rows = []
    for i, pname in enumerate(result.model.param_names):
        term = labels.get(pname, pname)
        estimate, low, high = float(params[i]), float(ci[i, 0]), float(ci[i, 1])
        effect = (lambda v: (np.exp(v) - 1) * 100) if log and term in terms else (lambda v: v)
        rows.append({
            "term": term, "estimate": estimate, "ci_low": low, "ci_high": high,
            "p_value": float(result.pvalues[i]),
            "effect": float(effect(estimate)), "effect_low": float(effect(low)),
            "effect_high": float(effect(high)),
            "effect_unit": "% per unit" if log and term in terms else "model units",
        })  # fmt: skip
    del names
    fitted = result.get_prediction().summary_frame(alpha=0.05)
    back = np.exp if log else (lambda v: v)
    observed = data.select("period", pl.col(value).cast(pl.Float64).alias("observed"))
    fitted_values = observed.with_columns(
        fitted=pl.Series(back(fitted["mean"].to_numpy())),
        fitted_low=pl.Series(back(fitted["mean_ci_lower"].to_numpy())),
        fitted_high=pl.Series(back(fitted["mean_ci_upper"].to_numpy())),
    )  # fmt: skip
    last = periods[-1]
    future = months(dt.date(last.year + last.month // 12, last.month % 12 + 1, 1),
                    dt.date(last.year + (last.month + horizon - 1) // 12,
                            (last.month + horizon - 1) % 12 + 1, 1))  # fmt: skip
    future_terms = {"trend": np.arange(len(y), len(y) + len(future), dtype=float),
                    **_holiday_terms(future)}  # fmt: skip
    steps = np.arange(1, len(future) + 1)

    def ahead_of(term: str, past: np.ndarray) -> np.ndarray:
        if term in future_terms:
            return future_terms[term]
        return past[-1] + steps if term.endswith("_ramp") else np.full(len(future), past[-1])

    future_exog = np.column_stack([ahead_of(k, v) for k, v in terms.items()])
    ahead = result.get_forecast(steps=len(future), exog=future_exog).summary_frame(alpha=0.05)
    forecast = pl.DataFrame({
        "period": future,
        "mean": back(ahead["mean"].to_numpy()),
        "low": back(ahead["mean_ci_lower"].to_numpy()),
        "high": back(ahead["mean_ci_upper"].to_numpy()),
    })  # fmt: skip
    return ModelResult(
        name, True, estimates=pl.DataFrame(rows),
        diagnostics=_diagnostics(result.resid[1:], result, len(y)),
        fitted_values=fitted_values, forecast=forecast, notes=notes,
    )  # fmt: skip


def count_model(
    series: pl.DataFrame,
    value: str = "events",
    *,
    dates: dict[str, dt.date] = POLICY_DATES,
    dispersion_limit: float = 1.5,
) -> ModelResult:
    """Monthly counts (seizure events) on a trend and a step after each policy date:
    a Poisson GLM, replaced by a negative binomial one when the Poisson fit is overdispersed
    (Pearson chi2 / df above `dispersion_limit`, or a significant Cameron-Trivedi test).
    Effects are rate ratios with 95 % intervals."""
    import statsmodels.api as sm

    name = f"Count model of {value}"
    data = _usable(series, value)
    if data.height < MIN_MONTHS:
        return _not_fitted(name, f"{data.height} months; the model needs at least {MIN_MONTHS}")
    y = data[value].cast(pl.Float64).to_numpy()
    if y.sum() == 0:
        return _not_fitted(name, "no event in the whole series")
    notes: list[str] = []
    periods = data["period"].to_list()
    terms = {"trend": np.arange(len(y), dtype=float) / 12,
             **_policy_terms(periods, dates, False, notes)}  # fmt: skip
    terms = {k: v for k, v in terms.items() if v.std() > 0}
    exog = sm.add_constant(np.column_stack(list(terms.values())), has_constant="add")
    poisson = sm.GLM(y, exog, family=sm.families.Poisson()).fit()
    dispersion = float(poisson.pearson_chi2 / poisson.df_resid)
    mu = poisson.mu
    auxiliary = sm.OLS(((y - mu) ** 2 - y) / mu, mu).fit()  # Cameron-Trivedi: alpha * mu
    ct_p = float(auxiliary.pvalues[0])
    family = "poisson"
    result = poisson
    overdispersed = dispersion > dispersion_limit or (ct_p < 0.05 and auxiliary.params[0] > 0)
    if overdispersed:
        alpha = max(float(auxiliary.params[0]), 1e-3)
        result = sm.GLM(y, exog, family=sm.families.NegativeBinomial(alpha=alpha)).fit()
        family = f"negative binomial (alpha {alpha:.2f})"
        notes.append(
            f"overdispersed (Pearson chi2/df {dispersion:.2f}, Cameron-Trivedi p {ct_p:.3f}): "
            "negative binomial used"
        )
    labels = ["const", *terms]
    ci = result.conf_int(alpha=0.05)
    rows = [
        {"term": t, "estimate": float(result.params[i]), "ci_low": float(ci[i, 0]),
         "ci_high": float(ci[i, 1]), "p_value": float(result.pvalues[i]),
         "effect": float(np.exp(result.params[i])), "effect_low": float(np.exp(ci[i, 0])),
         "effect_high": float(np.exp(ci[i, 1])), "effect_unit": "rate ratio"}
        for i, t in enumerate(labels)
    ]  # fmt: skip
    diagnostics = pl.DataFrame(
        [("observations", float(len(y))), ("pearson_dispersion", dispersion),
         ("cameron_trivedi_p", ct_p), ("aic", float(result.aic)),
         ("deviance", float(result.deviance))],
        schema=["measure", "value"], orient="row",
    ).with_columns(family=pl.lit(family))  # fmt: skip
    observed = data.select("period", pl.col(value).cast(pl.Float64).alias("observed"))
    fitted_values = observed.with_columns(fitted=pl.Series(result.mu))
    return ModelResult(name, True, estimates=pl.DataFrame(rows), diagnostics=diagnostics,
                       fitted_values=fitted_values, notes=notes)  # fmt: skip


def annual_gap_summary(gap: pl.DataFrame, *, min_points: int = 5) -> pl.DataFrame:
    """Per partner, the years with both weights: how many, the mean unrecorded tonnes and
    their range, and a linear trend with its 95 % interval only where there are at least
    `min_points` years; otherwise the reason it is not fitted."""
    import statsmodels.api as sm

    rows = []
    both = gap.filter(pl.col("coverage_kg") == "both")
    for (partner,), part in both.group_by("partner_iso3", maintain_order=True):
        t = part["unrecorded_kg"].to_numpy() / 1000
        row = {"partner_iso3": partner, "years": f"{part['year'].min()}-{part['year'].max()}",
               "n_years": part.height, "mean_unrecorded_t": float(t.mean()),
               "min_unrecorded_t": float(t.min()), "max_unrecorded_t": float(t.max()),
               "trend_t_per_year": None, "trend_low": None, "trend_high": None,
               "note": f"{part.height} years: too few for a trend, range shown"}  # fmt: skip
        if part.height >= min_points:
            x = sm.add_constant(part["year"].cast(pl.Float64).to_numpy())
            fit = sm.OLS(t, x).fit()
            low, high = fit.conf_int()[1]
            row |= {"trend_t_per_year": float(fit.params[1]), "trend_low": float(low),
                    "trend_high": float(high), "note": "linear trend, 95 % interval"}  # fmt: skip
        rows.append(row)
    return pl.DataFrame(rows, schema_overrides={"trend_t_per_year": pl.Float64,
                                                "trend_low": pl.Float64,
                                                "trend_high": pl.Float64})  # fmt: skip


def _stack(results: list[ModelResult], attribute: str) -> pl.DataFrame:
    frames = [
        getattr(r, attribute).with_columns(model=pl.lit(r.name))
        for r in results
        if r.fitted and getattr(r, attribute).height
    ]
    if not frames:
        return pl.DataFrame(schema={"model": pl.String})
    return pl.concat(frames, how="diagonal_relaxed")


def fit_all(listings: pl.DataFrame, events: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Every series and model of the trends brief, as tables: `listing_months`,
    `seizure_months`, `trend_status`, `trend_estimates`, `trend_diagnostics`,
    `trend_fitted`, `trend_forecast`. Used by the pipeline on all the data and by regional
    editions on their own rows."""
    listing_months = listing_series(listings)
    seizure_months = seizure_month_series(events)
    results = [
        stl(listing_months, "listings"),
        intervention_model(listing_months, "listings"),
        intervention_model(listing_months, "sellers"),
        intervention_model(listing_months, "median_price"),
        count_model(seizure_months, "events"),
    ]
    status = pl.DataFrame(
        [{"model": r.name, "fitted": r.fitted, "reason": r.reason, "notes": "; ".join(r.notes)}
         for r in results],
        schema={"model": pl.String, "fitted": pl.Boolean, "reason": pl.String,
                "notes": pl.String},
    )  # fmt: skip
    return {
        "listing_months": listing_months,
        "seizure_months": seizure_months,
        "trend_status": status,
        "trend_estimates": _stack(results, "estimates"),
        "trend_diagnostics": _stack(results, "diagnostics"),
        "trend_fitted": _stack(results, "fitted_values"),
        "trend_forecast": _stack(results, "forecast"),
    }


def calendar_year_totals(aggregates: pl.DataFrame, metric_prefix: str) -> pl.DataFrame:
    """The officials' totals of one metric for whole calendar years, one row per year (the
    first given where outlets repeat a year): quarters, months and multi-year totals are
    left out, since they overlap the years."""
    whole = (pl.col("period_start").dt.strftime("%m-%d") == "01-01") & (
        pl.col("period_end") == pl.col("period_start").dt.offset_by("1y").dt.offset_by("-1d")
    )
    return (
        aggregates.filter(
            pl.col("metric").str.starts_with(metric_prefix) & pl.col("value").is_not_null() & whole
        )
        .unique("period_label", keep="first", maintain_order=True)
        .sort("period_start")
    )


def year_span(dates: pl.Series) -> str:
    """`2015-2024`, or `2022` when the dates fall in one year; `no dates` when none."""
    years = dates.drop_nulls().dt.year()
    if years.is_empty():
        return "no dates"
    first, last = years.min(), years.max()
    return str(first) if first == last else f"{first}-{last}"
