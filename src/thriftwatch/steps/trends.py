"""Step: clean tables -> monthly and annual series and the trend models, as tidy marts."""

from __future__ import annotations

import polars as pl

from thriftwatch import catalog, trends
from thriftwatch.config import Paths
from thriftwatch.steps.base import StepResult


def _stack(results: list[trends.ModelResult], attribute: str) -> pl.DataFrame:
    frames = [
        getattr(r, attribute).with_columns(model=pl.lit(r.name))
        for r in results
        if r.fitted and getattr(r, attribute).height
    ]
    return pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame(
        schema={"model": pl.String}
    )  # fmt: skip


def run(where: Paths) -> StepResult:
    """Build the series and fit every model the data can carry."""
    # Load inputs
    listings = catalog.load("listings_clean", where)
    events = catalog.load("seizures_clean", where)
    figures = catalog.load("trade_figures", where)
    gap = catalog.load("mirror_gap", where)

    # Process
    listing_months = trends.listing_series(listings)
    seizure_months = trends.seizure_month_series(events)
    annual = trends.trade_series(figures)
    results = [
        trends.stl(listing_months, "listings"),
        trends.intervention_model(listing_months, "listings"),
        trends.intervention_model(listing_months, "sellers"),
        trends.intervention_model(listing_months, "median_price"),
        trends.count_model(seizure_months, "events"),
    ]
    status = pl.DataFrame(
        [{"model": r.name, "fitted": r.fitted, "reason": r.reason, "notes": "; ".join(r.notes)}
         for r in results]
    )  # fmt: skip
    gap_summary = trends.annual_gap_summary(gap)

    # Save outputs
    tables = {
        "listing_months": listing_months,
        "seizure_months": seizure_months,
        "trade_years": annual,
        "trend_status": status,
        "trend_estimates": _stack(results, "estimates"),
        "trend_diagnostics": _stack(results, "diagnostics"),
        "trend_fitted": _stack(results, "fitted_values"),
        "trend_forecast": _stack(results, "forecast"),
        "mirror_gap_summary": gap_summary,
    }
    outputs = {catalog.save(frame, name, where): frame.height for name, frame in tables.items()}
    return StepResult(
        "trends",
        inputs=[catalog.path(n, where) for n in ("listings_clean", "seizures_clean",
                                                 "trade_figures", "mirror_gap")],
        outputs=outputs,
        details={"not_fitted": status.filter(~pl.col("fitted"))["model"].to_list()},
    )  # fmt: skip
