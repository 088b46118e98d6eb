"""Mirror statistics for HS 6309: what partners say they exported to Indonesia against what
Indonesia (BPS) says it imported from them. Pure functions, frames in, frames out.

The compiled sources often quote one figure several times (rounded, re-reported, conflicting).
`preferred_figures` picks one figure per reporter, partner, flow, code and year by a documented
order and keeps the spread of the alternatives, so a brief can say how much the sources disagree.
"""

from __future__ import annotations

import polars as pl

from thriftwatch.loaders.customs import country_names

INDONESIA = "IDN"
#: Partners through which used clothing is re-exported, shown apart from origin suppliers.
TRANSIT_HUBS = ("MYS", "SGP")
KEYS = ["reporter_iso3", "partner_iso3", "flow", "hs6", "year"]


def _trailing_zeros(expr: pl.Expr) -> pl.Expr:
    """How rounded a figure is: trailing zeros of its integer part (null figures rank last)."""
    digits = expr.round(0).cast(pl.Int64).cast(pl.String)
    return (digits.str.len_chars() - digits.str.strip_chars_end("0").str.len_chars()).fill_null(99)


def preferred_figures(customs: pl.DataFrame) -> pl.DataFrame:
    """One annual figure per reporter, partner, flow, HS6 and year, with the spread of the rest.

    Preference order, first difference wins: not flagged approximate; more measures given
    (kg and USD over one of them); least rounded weight; least rounded value; most recent
    source. The columns `n_sources`, `kg_min`/`kg_max`, `usd_min`/`usd_max` describe every
    source row of the cell, chosen or not.
    """
    annual = customs.filter(pl.col("period_type") == "annual")
    ranked = annual.with_columns(
        _approx=pl.col("weight_estimated") | pl.col("value_estimated"),
        _measures=pl.col("net_weight_kg").is_not_null().cast(pl.Int8)
        + pl.col("value_usd").is_not_null().cast(pl.Int8),
        _kg_round=_trailing_zeros(pl.col("net_weight_kg")),
        _usd_round=_trailing_zeros(pl.col("value_usd")),
        _source_date=pl.col("source_date").fill_null(""),
    ).sort(
        ["_approx", "_measures", "_kg_round", "_usd_round", "_source_date", "source_row"],
        descending=[False, True, False, False, True, False],
    )
    spread = ranked.group_by(KEYS).agg(
        pl.len().alias("n_sources"),
        pl.col("net_weight_kg").min().alias("kg_min"),
        pl.col("net_weight_kg").max().alias("kg_max"),
        pl.col("value_usd").min().alias("usd_min"),
        pl.col("value_usd").max().alias("usd_max"),
        pl.col("source").unique().sort().alias("all_sources"),
    )
    best = ranked.unique(KEYS, keep="first", maintain_order=True).drop(
        "_approx", "_measures", "_kg_round", "_usd_round", "_source_date"
    )
    return best.join(spread, on=KEYS, how="left").sort(KEYS)


def mirror_gap(customs: pl.DataFrame) -> pl.DataFrame:
    """Partner-reported exports to Indonesia against Indonesia-reported imports, per partner,
    HS6 and year, in kg and USD.

    A side that no source gives stays null and `coverage_kg` / `coverage_usd` say which side
    is missing: a missing side is never read as a zero gap. `gap_*` is mirror minus reported;
    `ratio_*` is mirror divided by reported.
    """
    figures = preferred_figures(customs)
    side_cols = ["net_weight_kg", "value_usd", "valuation", "source", "n_sources"]
    mirror = figures.filter(
        (pl.col("flow") == "export") & (pl.col("partner_iso3") == INDONESIA)
    ).select(
        pl.col("reporter_iso3").alias("partner_iso3"),
        "hs6",
        "year",
        *[pl.col(c).alias(f"mirror_{c}") for c in side_cols],
    )
    reported = figures.filter(
        (pl.col("flow") == "import") & (pl.col("reporter_iso3") == INDONESIA)
    ).select(
        "partner_iso3",
        "hs6",
        "year",
        *[pl.col(c).alias(f"reported_{c}") for c in side_cols],
    )
    names = country_names().select(
        pl.col("iso3").alias("partner_iso3"),
        pl.col("name").alias("partner_name"),
        pl.col("kind").alias("partner_kind"),
    )
    gap = mirror.join(reported, on=["partner_iso3", "hs6", "year"], how="full", coalesce=True)

    def coverage(measure: str) -> pl.Expr:
        m = pl.col(f"mirror_{measure}").is_not_null()
        r = pl.col(f"reported_{measure}").is_not_null()
        return (
            pl.when(m & r)
            .then(pl.lit("both"))
            .when(m)
            .then(pl.lit("mirror_only"))
            .when(r)
            .then(pl.lit("reported_only"))
            .otherwise(pl.lit("none"))
        )

    return (
        gap.rename(
            {
                "mirror_net_weight_kg": "mirror_kg",
                "reported_net_weight_kg": "reported_kg",
                "mirror_value_usd": "mirror_usd",
                "reported_value_usd": "reported_usd",
            }
        )
        .with_columns(
            gap_kg=pl.col("mirror_kg") - pl.col("reported_kg"),
            ratio_kg=pl.when(pl.col("reported_kg") > 0).then(
                pl.col("mirror_kg") / pl.col("reported_kg")
            ),
            gap_usd=pl.col("mirror_usd") - pl.col("reported_usd"),
            ratio_usd=pl.when(pl.col("reported_usd") > 0).then(
                pl.col("mirror_usd") / pl.col("reported_usd")
            ),
            coverage_kg=coverage("kg"),
            coverage_usd=coverage("usd"),
            transit_hub=pl.col("partner_iso3").is_in(TRANSIT_HUBS),
        )
        .join(names, on="partner_iso3", how="left")
        .sort("hs6", "year", "partner_iso3")
    )


def gap_cell(gap: pl.DataFrame, partner_iso3: str, year: int) -> dict[str, object]:
    """One partner-year of the mirror gap as a plain dict (empty dict when absent)."""
    rows = gap.filter((pl.col("partner_iso3") == partner_iso3) & (pl.col("year") == year))
    return rows.row(0, named=True) if rows.height else {}


def latest_comparable_year(gap: pl.DataFrame, partner_iso3: str) -> int | None:
    """The most recent year in which both sides give a weight for this partner."""
    years = gap.filter(
        (pl.col("partner_iso3") == partner_iso3) & (pl.col("coverage_kg") == "both")
    )["year"]
    return None if years.is_empty() else int(years.max())  # type: ignore[arg-type]
