"""Step: clean tables -> monthly and annual series and the trend models, as tidy marts."""

from __future__ import annotations

import polars as pl

from thriftwatch import catalog, trends
from thriftwatch.config import Paths
from thriftwatch.steps.base import StepResult

INPUTS = ("listings_clean", "seizures_clean", "trade_figures", "mirror_gap")


def run(where: Paths) -> StepResult:
    """Build the series and fit every model the data can carry."""
    # Load inputs
    listings = catalog.load("listings_clean", where, columns=trends.LISTING_COLUMNS)
    events, figures, gap = (catalog.load(name, where) for name in INPUTS[1:])

    # Process
    tables = trends.fit_all(listings, events)
    tables["trade_years"] = trends.trade_series(figures)
    tables["mirror_gap_summary"] = trends.annual_gap_summary(gap)

    # Save outputs
    outputs = {catalog.save(frame, name, where): frame.height for name, frame in tables.items()}
    status = tables["trend_status"]
    return StepResult(
        "trends",
        inputs=[catalog.path(name, where) for name in INPUTS],
        outputs=outputs,
        details={"not_fitted": status.filter(~pl.col("fitted"))["model"].to_list()},
    )
