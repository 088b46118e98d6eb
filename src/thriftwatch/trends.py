"""Series and models of the trade over time. Pure functions, frames in, frames out.

This module starts with the series builders; the models come with the trends issue.
"""

from __future__ import annotations

import polars as pl

#: Units of seized goods summed into series columns.
SERIES_UNITS = {"bale": "bales", "package": "packages", "sack": "sacks", "container": "containers"}


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
