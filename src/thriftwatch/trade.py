"""Mirror statistics for HS 6309: what partners say they exported to Indonesia against what
Indonesia (BPS) says it imported from them. Pure functions, frames in, frames out.

Three steps, each a function:

1. `annual_totals`: one annual figure per source file and cell. Official extracts (BPS portal,
   UN Comtrade) list a cell in parts (ports, months, transport modes); the parts are summed,
   months only when the file covers all twelve months of that year. News quotes are already
   totals, and several quotes of one cell are alternatives, never summed.
2. `preferred_figures`: one figure per reporter, partner, flow, HS6 and year, by a documented
   order (official extracts before news quotes, then precision), keeping the spread of all.
3. `mirror_gap`: partner-reported exports against Indonesia-reported imports, in kg and USD,
   with the CIF/FOB adjustment, unit values and their outliers, and honest coverage.
"""

from __future__ import annotations

import polars as pl

from thriftwatch.loaders.customs import country_names

INDONESIA = "IDN"
#: Partners through which used clothing is re-exported, shown apart from origin suppliers.
TRANSIT_HUBS = ("MYS", "SGP")
KEYS = ["reporter_iso3", "partner_iso3", "flow", "hs6", "year"]
OFFICIAL = ("bps_portal", "un_comtrade")

#: Imports are valued CIF (goods + freight + insurance), exports FOB. Without a bilateral
#: freight estimate, the IMF's Direction of Trade Statistics convention CIF = FOB x 1.10 is
#: used to bring partner-reported FOB exports to Indonesia's CIF basis. Pass another factor to
#: `mirror_gap` (1.0 switches the adjustment off).
CIF_FOB_FACTOR = 1.10
#: Plausible unit values of worn clothing, USD per kg; outside this band a figure is flagged.
UNIT_VALUE_BAND = (0.05, 50.0)
#: Robust z-score (log unit value against the median, in MADs) beyond which it is flagged.
UNIT_VALUE_Z = 3.5


def _sum_or_null(column: str) -> pl.Expr:
    """Sum of the parts; null when any part lacks the figure (a partial sum is not a total)."""
    return pl.when(pl.col(column).null_count() == 0).then(pl.col(column).sum()).alias(column)


def annual_totals(customs: pl.DataFrame) -> pl.DataFrame:
    """One annual row per source file and cell (reporter, partner, flow, HS6, year).

    Official extracts: annual rows and full-year months are summed per file; a file that has
    both for one cell keeps its annual rows. News quotes: annual rows as they are.
    `n_parts` counts the rows behind each figure.
    """
    official = customs.filter(pl.col("source_kind").is_in(OFFICIAL))
    monthly = official.filter(pl.col("period_type") == "monthly")
    full_years = (
        monthly.group_by("source_file", "year")
        .agg(pl.col("month").n_unique().alias("n_months"))
        .filter(pl.col("n_months") == 12)
    )
    parts = pl.concat(
        [
            official.filter(pl.col("period_type") == "annual"),
            monthly.join(full_years.drop("n_months"), on=["source_file", "year"], how="semi"),
        ]
    )
    summed = (
        parts.group_by([*KEYS, "source_file", "period_type"])
        .agg(
            _sum_or_null("net_weight_kg"),
            _sum_or_null("value_usd"),
            pl.col("valuation").first(),
            pl.col("weight_estimated").any(),
            pl.col("value_estimated").any(),
            pl.col("source_kind").first(),
            pl.col("producer").first(),
            pl.col("source").first(),
            pl.col("source_url").first(),
            pl.col("source_detail").first(),
            pl.col("source_date").max(),
            pl.col("source_row").min(),
            pl.len().alias("n_parts"),
        )
        .sort(pl.col("period_type") != "annual")
        .unique([*KEYS, "source_file"], keep="first", maintain_order=True)
        .with_columns(pl.lit("annual").cast(customs.schema["period_type"]).alias("period_type"))
    )
    quotes = customs.filter(
        (pl.col("source_kind") == "news_quote") & (pl.col("period_type") == "annual")
    ).with_columns(pl.lit(1, dtype=pl.UInt32).alias("n_parts"))
    return pl.concat([summed, quotes.select(summed.columns)], how="vertical_relaxed")


def _trailing_zeros(expr: pl.Expr) -> pl.Expr:
    """How rounded a figure is: trailing zeros of its integer part (null figures rank last)."""
    digits = expr.cast(pl.Float64).round(0).cast(pl.Int64).cast(pl.String)
    return (digits.str.len_chars() - digits.str.strip_chars_end("0").str.len_chars()).fill_null(99)


def preferred_figures(customs: pl.DataFrame) -> pl.DataFrame:
    """One annual figure per reporter, partner, flow, HS6 and year, with the spread of the rest.

    Preference order, first difference wins: an official extract (BPS portal, UN Comtrade)
    over a news quote; not flagged approximate; more measures given (kg and USD over one of
    them); least rounded weight; least rounded value; most recent source. `n_sources`,
    `kg_min`/`kg_max`, `usd_min`/`usd_max` and `all_sources` describe every candidate.
    """
    ranked = annual_totals(customs).with_columns(
        _official=pl.col("source_kind").is_in(OFFICIAL),
        _approx=pl.col("weight_estimated") | pl.col("value_estimated"),
        _measures=pl.col("net_weight_kg").is_not_null().cast(pl.Int8)
        + pl.col("value_usd").is_not_null().cast(pl.Int8),
        _kg_round=_trailing_zeros(pl.col("net_weight_kg")),
        _usd_round=_trailing_zeros(pl.col("value_usd")),
        _source_date=pl.col("source_date").fill_null(""),
    )
    ranked = ranked.sort(
        [
            *("_official", "_approx", "_measures", "_kg_round", "_usd_round", "_source_date"),
            *("source_file", "source_row"),
        ],
        descending=[True, False, True, False, False, True, False, False],
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
        "_official", "_approx", "_measures", "_kg_round", "_usd_round", "_source_date"
    )
    return best.join(spread, on=KEYS, how="left").sort(KEYS)


def _unit_value_flag(side: str) -> pl.Expr:
    """'low' / 'high' where a side's USD per kg leaves the plausible band or lies more than
    `UNIT_VALUE_Z` robust z-scores (log scale, median and MAD over the table) from the rest."""
    uv = pl.col(f"{side}_usd_per_kg")
    log_uv = uv.log()
    mad = (log_uv - log_uv.median()).abs().median() * 1.4826
    z = pl.when(mad > 0).then((log_uv - log_uv.median()) / mad)
    low, high = UNIT_VALUE_BAND
    return (
        pl.when(uv.is_null())
        .then(None)
        .when((uv < low) | (z < -UNIT_VALUE_Z))
        .then(pl.lit("low"))
        .when((uv > high) | (z > UNIT_VALUE_Z))
        .then(pl.lit("high"))
        .alias(f"{side}_unit_value_flag")
    )


def mirror_gap(customs: pl.DataFrame, *, cif_fob_factor: float = CIF_FOB_FACTOR) -> pl.DataFrame:
    """Partner-reported exports to Indonesia against Indonesia-reported imports, per partner,
    HS6 and year, in kg and USD.

    - `gap_kg` = mirror minus reported weight, `ratio_kg` = mirror / reported, and
      `unrecorded_kg` = the gap where it is positive: the weight the partner shipped that
      Indonesia's records do not show.
    - USD: partner FOB values are raised by `cif_fob_factor` (`mirror_usd_cif`) before they
      are compared with Indonesia's CIF values (`gap_usd`, `ratio_usd`).
    - Unit values (`*_usd_per_kg`) are flagged `low`/`high` when implausible.
    - A side no source gives stays null and `coverage_kg` / `coverage_usd` say which side is
      missing: a missing side is never a zero gap.
    - `role`: Malaysia and Singapore are transit hubs, shown apart from origin suppliers.
    """
    figures = preferred_figures(customs)
    side_cols = [
        *("net_weight_kg", "value_usd", "valuation", "source", "source_kind", "producer"),
        *("source_url", "source_detail", "n_sources"),
    ]

    def side(flow: str, reporter: str, partner: str, prefix: str) -> pl.DataFrame:
        return figures.filter((pl.col("flow") == flow) & (pl.col(reporter) == INDONESIA)).select(
            pl.col(partner).alias("partner_iso3"),
            "hs6",
            "year",
            *[pl.col(c).alias(f"{prefix}_{c}") for c in side_cols],
        )

    mirror = side("export", "partner_iso3", "reporter_iso3", "mirror")
    reported = side("import", "reporter_iso3", "partner_iso3", "reported")
    names = country_names().select(
        pl.col("iso3").alias("partner_iso3"),
        pl.col("name").alias("partner_name"),
        pl.col("kind").alias("partner_kind"),
    )

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

    gap = (
        mirror.join(reported, on=["partner_iso3", "hs6", "year"], how="full", coalesce=True)
        .rename(
            {
                "mirror_net_weight_kg": "mirror_kg",
                "reported_net_weight_kg": "reported_kg",
                "mirror_value_usd": "mirror_usd",
                "reported_value_usd": "reported_usd",
            }
        )
        .with_columns(
            mirror_usd_cif=pl.when(pl.col("mirror_valuation") == "FOB")
            .then(pl.col("mirror_usd") * cif_fob_factor)
            .otherwise(pl.col("mirror_usd")),
            mirror_usd_per_kg=pl.col("mirror_usd") / pl.col("mirror_kg"),
            reported_usd_per_kg=pl.col("reported_usd") / pl.col("reported_kg"),
        )
    )
    return (
        gap.with_columns(
            gap_kg=pl.col("mirror_kg") - pl.col("reported_kg"),
            ratio_kg=pl.when(pl.col("reported_kg") > 0).then(
                pl.col("mirror_kg") / pl.col("reported_kg")
            ),
            unrecorded_kg=(pl.col("mirror_kg") - pl.col("reported_kg")).clip(lower_bound=0),
            gap_usd=pl.col("mirror_usd_cif") - pl.col("reported_usd"),
            ratio_usd=pl.when(pl.col("reported_usd") > 0).then(
                pl.col("mirror_usd_cif") / pl.col("reported_usd")
            ),
            cif_fob_factor=pl.when(pl.col("mirror_valuation") == "FOB").then(
                pl.lit(cif_fob_factor)
            ),
            coverage_kg=coverage("kg"),
            coverage_usd=coverage("usd"),
            transit_hub=pl.col("partner_iso3").is_in(TRANSIT_HUBS),
            _mirror_unit=_unit_value_flag("mirror"),
            _reported_unit=_unit_value_flag("reported"),
        )
        .rename(
            {"_mirror_unit": "mirror_unit_value_flag", "_reported_unit": "reported_unit_value_flag"}
        )
        .join(names, on="partner_iso3", how="left")
        .with_columns(
            role=pl.when(pl.col("transit_hub"))
            .then(pl.lit("transit hub"))
            .when(pl.col("partner_kind") == "country")
            .then(pl.lit("origin"))
            .otherwise(pl.col("partner_kind"))
        )
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


def compared(gap: pl.DataFrame) -> pl.DataFrame:
    """The partner-years with a figure on at least one side: the rows a brief's trade
    sentences and caveats describe."""
    return gap.filter(pl.col("coverage_kg") != "none")


def headline(gap: pl.DataFrame, preferred: str) -> dict[str, object]:
    """The mirror-gap cell a brief leads with: the latest comparable year of `preferred`
    (see `headline_partner`); an empty dict when no partner has both sides for a year."""
    partner = headline_partner(gap, preferred)
    year = latest_comparable_year(gap, partner) if partner else None
    return gap_cell(gap, partner, year) if partner and year is not None else {}


def headline_partner(gap: pl.DataFrame, preferred: str) -> str | None:
    """`preferred` when it has a year with both sides' weights, else the country partner
    with the most mirror weight in the latest such year; None when no partner has one."""
    if latest_comparable_year(gap, preferred) is not None:
        return preferred
    both = gap.filter((pl.col("coverage_kg") == "both") & (pl.col("partner_kind") == "country"))
    if both.is_empty():
        return None
    latest = both.filter(pl.col("year") == pl.col("year").max())
    return str(latest.sort("mirror_kg", descending=True)["partner_iso3"][0])
