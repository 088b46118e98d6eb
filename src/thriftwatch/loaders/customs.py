"""Customs and trade flows of HS 6309 (worn clothing) in one clean schema.

`load_customs(path)` detects the layout from the header. This version reads the compiled fact
tables shipped as embedded default data (news quotes of BPS, ITC Trade Map, UN Comtrade and DOSM
figures, each row with its `source`); the BPS portal and UN Comtrade layouts come next.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import dataframely as dy
import polars as pl

from thriftwatch.config import PACKAGE_DATA_DIR
from thriftwatch.errors import DataError
from thriftwatch.loaders.base import (
    FILE,
    REASON,
    ROW,
    Loaded,
    first_problem,
    mark_duplicates,
    number_rows,
    rejected_rows,
    rule_reasons,
)
from thriftwatch.parse import read_text_table

#: Every compiled table is about HS 6309; rows that do not state a code get this one.
COMPILED_DEFAULT_HS = "6309"
FLOWS = ("import", "export")
PERIOD_TYPES = ("annual", "monthly", "partial")


class CustomsSchema(dy.Schema):
    """One trade figure: who reported what flow of which HS code, when, in kg and money."""

    year = dy.Int32(min=1950, max=2100)
    month = dy.Int8(nullable=True, min=1, max=12)
    period_type = dy.Enum(PERIOD_TYPES)
    period_start = dy.Date()
    period_end = dy.Date()
    reporter_iso3 = dy.String(regex=r"^[A-Z]{3}$")
    partner_iso3 = dy.String(regex=r"^[A-Z]{3}$")
    flow = dy.Enum(FLOWS)
    hs6 = dy.String(regex=r"^\d{6}$")
    hs_code = dy.String(regex=r"^\d{4,10}$")
    net_weight_kg = dy.Float64(nullable=True, min=0)
    value_usd = dy.Float64(nullable=True, min=0)
    valuation = dy.Enum(["CIF", "FOB"], nullable=True)
    value_local = dy.Float64(nullable=True, min=0)
    local_currency = dy.String(nullable=True, regex=r"^[A-Z]{3}$")
    weight_estimated = dy.Bool()
    value_estimated = dy.Bool()
    value_qualifier = dy.String(nullable=True)
    source = dy.String()
    source_date = dy.String(nullable=True)
    source_detail = dy.String(nullable=True)
    note = dy.String(nullable=True)
    source_file = dy.String()
    source_row = dy.UInt32()

    @dy.rule()
    def period_ordered(cls) -> pl.Expr:
        """A period ends on or after its start."""
        return pl.col("period_end") >= pl.col("period_start")

    @dy.rule()
    def not_in_future(cls) -> pl.Expr:
        """A reported period has started."""
        return pl.col("period_start") <= pl.lit(dt.date.today())


RULE_MESSAGES = {
    "period_ordered": "period ends before it starts",
    "not_in_future": "period lies in the future",
    "year|min": "impossible year",
    "year|max": "impossible year",
    "net_weight_kg|min": "negative net weight",
    "value_usd|min": "negative USD value",
    "value_local|min": "negative local-currency value",
}


@cache
def countries() -> pl.DataFrame:
    """The package's country list: `iso3`, `kind` (country, world, group) and one row per
    accepted spelling (`name`); the first spelling of each code is its English name.

    `WLD` stands for the world and `XAS` (an ISO user-assigned code) for the 'selected Asian
    exporters' total that the mirror sources quote."""
    return pl.read_csv(PACKAGE_DATA_DIR / "countries.csv", infer_schema=False)


def country_names() -> pl.DataFrame:
    """One row per code: `iso3`, English `name` and `kind`."""
    return countries().unique("iso3", keep="first", maintain_order=True)


@cache
def _country_keys() -> pl.DataFrame:
    table = countries()
    names = table.select(pl.col("name").alias("key"), "iso3")
    codes = table.select(pl.col("iso3").alias("key"), "iso3").unique()
    return (
        pl.concat([names, codes]).with_columns(_name_key(pl.col("key"))).unique("key", keep="first")
    )


def _name_key(expr: pl.Expr) -> pl.Expr:
    """Country names compared without case, repeated blanks or surrounding blanks."""
    return expr.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


def to_iso3(names: pl.Series) -> pl.Series:
    """ISO3 code of each country name or code; null where the name is unknown (never a guess)."""
    keys = pl.DataFrame({"key": names}).with_columns(_name_key(pl.col("key")))
    return keys.join(_country_keys(), on="key", how="left", maintain_order="left")["iso3"]


def _first_present(columns: list[str], *candidates: str) -> str | None:
    return next((c for c in candidates if c in columns), None)


def detect_format(columns: list[str], path: Path) -> str:
    """The layout of a trade table, from its header; `DataError` when it is none we know."""
    if (
        {"source", "flow"} <= set(columns)
        and _first_present(columns, "reporter", "reporter_exporter")
        and _first_present(columns, "year", "period", "period_start")
    ):
        return "compiled"
    raise DataError(
        path,
        "unrecognised trade table header "
        f"({', '.join(columns[:12])}{', ...' if len(columns) > 12 else ''}); expected the "
        "compiled fact table columns: source, flow, reporter or reporter_exporter, and year, "
        "period or period_start",
    )


def _period(columns: list[str]) -> dict[str, pl.Expr]:
    """Start and end dates of each row's period from whichever period columns the file has."""
    if "period_start" in columns:
        start = pl.col("period_start").str.to_date("%Y-%m-%d", strict=False)
        end = pl.col("period_end").str.to_date("%Y-%m-%d", strict=False)
        bad = start.is_null() | end.is_null()
        text = pl.concat_str([pl.col("period_start"), pl.col("period_end")], separator="..")
    else:
        label = pl.col("period") if "period" in columns else pl.col("year")
        is_year = label.str.contains(r"^\d{4}$")
        is_month = label.str.contains(r"^\d{4}-(0[1-9]|1[0-2])$")
        start = (
            pl.when(is_year)
            .then(pl.concat_str([label, pl.lit("-01-01")]))
            .when(is_month)
            .then(pl.concat_str([label, pl.lit("-01")]))
            .str.to_date("%Y-%m-%d", strict=False)
        )
        end = (
            pl.when(is_year)
            .then(start.dt.offset_by("1y").dt.offset_by("-1d"))
            .otherwise(start.dt.month_end())
        )
        bad = start.is_null()
        text = label
    return {"start": start, "end": end, "bad": bad, "text": text}


def _parse_compiled(raw: pl.DataFrame) -> pl.DataFrame:
    """Clean-schema columns plus a `reason` for rows that cannot be parsed."""
    cols = raw.columns
    reporter = _first_present(cols, "reporter", "reporter_exporter")
    partner = _first_present(cols, "partner", "partner_importer")
    weight = _first_present(cols, "net_weight_kg", "weight_kg")
    local = _first_present(cols, "value_idr", "value_myr")
    period = _period(cols)

    def col(name: str | None) -> pl.Expr:
        return pl.col(name) if name else pl.lit(None, dtype=pl.String)

    def number(name: str | None) -> pl.Expr:
        return col(name).cast(pl.Float64, strict=False)

    def not_a_number(name: str | None) -> tuple[pl.Expr, pl.Expr]:
        return (
            col(name).is_not_null() & number(name).is_null(),
            pl.format("{} is not a number: '{}'", pl.lit(name), col(name)),
        )

    hs_digits = col(_first_present(cols, "hs_code_as_given")).str.replace_all(r"\D", "")
    hs_code = (
        pl.when(hs_digits.str.len_chars() >= 4)
        .then(hs_digits)
        .otherwise(pl.lit(COMPILED_DEFAULT_HS))
    )
    qualifier = col(_first_present(cols, "value_qualifier"))
    approx = qualifier.fill_null("") == "approx"
    flow = pl.col("flow").str.to_lowercase()

    parsed = raw.with_columns(
        _start=period["start"],
        _end=period["end"],
        reporter_iso3=to_iso3(raw[reporter]) if reporter else None,
        partner_iso3=to_iso3(raw[partner]) if partner else pl.lit("WLD"),
    )
    start, end = pl.col("_start"), pl.col("_end")
    year_text = col("year" if "year" in cols else None)
    reason = first_problem(
        (
            period["bad"],
            pl.format(
                "period '{}' is not a year (YYYY), a month (YYYY-MM) or a date range",
                period["text"],
            ),
        ),
        (
            end.dt.year() != start.dt.year(),
            pl.format("period '{}' spans several years", period["text"]),
        ),
        (
            year_text.cast(pl.Int32, strict=False) != start.dt.year(),
            pl.format("year '{}' does not match period '{}'", year_text, period["text"]),
        ),
        (~flow.is_in(FLOWS), pl.format("unknown flow '{}'", pl.col("flow"))),
        (
            pl.col("reporter_iso3").is_null(),
            pl.format("unknown reporter country '{}'", col(reporter)),
        ),
        (
            pl.col("partner_iso3").is_null(),
            pl.format("unknown partner country '{}'", col(partner)),
        ),
        not_a_number(weight),
        not_a_number("value_usd" if "value_usd" in cols else None),
        not_a_number(local),
        (
            number(weight).is_null()
            & number("value_usd" if "value_usd" in cols else None).is_null()
            & number(local).is_null(),
            pl.lit("no figure: neither a weight nor a value"),
        ),
    )
    year_start = start.dt.month() == 1
    is_month = (start.dt.day() == 1) & (end == start.dt.month_end())
    is_year = year_start & (start.dt.day() == 1) & (end.dt.month() == 12) & (end.dt.day() == 31)
    value_usd = number("value_usd" if "value_usd" in cols else None)
    return parsed.select(
        pl.col(ROW),
        reason.alias(REASON),
        start.dt.year().alias("year"),
        pl.when(is_month).then(start.dt.month()).cast(pl.Int8).alias("month"),
        pl.when(is_year)
        .then(pl.lit("annual"))
        .when(is_month)
        .then(pl.lit("monthly"))
        .otherwise(pl.lit("partial"))
        .alias("period_type"),
        start.alias("period_start"),
        end.alias("period_end"),
        "reporter_iso3",
        "partner_iso3",
        flow.alias("flow"),
        pl.concat_str([hs_code.str.slice(0, 6), pl.lit("0000")]).str.slice(0, 6).alias("hs6"),
        hs_code.alias("hs_code"),
        number(weight).alias("net_weight_kg"),
        value_usd.alias("value_usd"),
        # BPS import values are CIF; the compiled export figures do not state their valuation.
        pl.when(value_usd.is_not_null() & (flow == "import"))
        .then(pl.lit("CIF"))
        .alias("valuation"),
        number(local).alias("value_local"),
        pl.when(number(local).is_not_null())
        .then(pl.lit(local.removeprefix("value_").upper() if local else None))
        .alias("local_currency"),
        (approx & number(weight).is_not_null()).alias("weight_estimated"),
        (approx & (value_usd.is_not_null() | number(local).is_not_null())).alias("value_estimated"),
        qualifier.alias("value_qualifier"),
        pl.col("source"),
        col(_first_present(cols, "source_date")).alias("source_date"),
        pl.concat_str(
            [col(c) for c in ("underlying_database", "quoted_origin", "quoted_by") if c in cols]
            or [pl.lit(None, dtype=pl.String)],
            separator="; ",
            ignore_nulls=True,
        )
        .replace("", None)
        .alias("source_detail"),
        col(_first_present(cols, "notes")).alias("note"),
        pl.col(FILE),
    )


def load_customs(path: str | Path) -> Loaded:
    """Load one trade table into the clean customs schema, quarantining bad rows.

    Rows that repeat an earlier row exactly are counted in `n_duplicates`; rows that cannot be
    parsed or fail validation go to `rejected` with their raw text and a reason.
    """
    path = Path(path)
    raw = read_text_table(path)
    fmt = detect_format(raw.columns, path)
    raw_columns = raw.columns
    raw = number_rows(raw, path)
    duplicate = mark_duplicates(raw, raw_columns)
    raw_kept = raw.filter(~duplicate)

    parsed = _parse_compiled(raw_kept)
    clean, failure = CustomsSchema.filter(parsed.filter(pl.col(REASON).is_null()), cast=True)
    reasons = pl.concat(
        [
            parsed.filter(pl.col(REASON).is_not_null()).select(ROW, REASON),
            rule_reasons(CustomsSchema, failure, RULE_MESSAGES),
        ]
    )
    rejected = rejected_rows(raw_kept.join(reasons, on=ROW, how="inner").sort(ROW), raw_columns)
    return Loaded(
        clean=clean.sort(ROW),
        rejected=rejected,
        n_raw=raw.height,
        n_duplicates=int(duplicate.sum()),
        path=path,
        info={"format": fmt},
    )
