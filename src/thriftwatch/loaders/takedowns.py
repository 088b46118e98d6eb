"""Takedown lists: the accounts an agency reported to a platform, and when.

A takedown list names sellers, so the handle is replaced on load by the same keyed pseudonym
the listings get (`thriftwatch.privacy`): a reported account meets its listings by
`seller_id`, and no handle reaches any output. Columns (found without case): `platform`,
`handle` (or `username`, `account`, `seller_handle`), `reported_at` (or `date`, `tanggal`,
`requested_at`), and optionally `taken_down_at` and `note`.
"""

from __future__ import annotations

from pathlib import Path

import dataframely as dy
import polars as pl

from thriftwatch.config import Paths
from thriftwatch.errors import DataError
from thriftwatch.loaders.base import FILE, REASON, ROW, Loaded, RawRows, first_problem, validate
from thriftwatch.loaders.listings import PLATFORMS, parse_datetime, platform_name
from thriftwatch.parse import read_table
from thriftwatch.privacy import pseudonym_key, pseudonymise

HEADER_ALIASES = {
    "platform": ("platform", "platform_name", "channel"),
    "handle": ("handle", "username", "account", "seller_handle", "akun"),
    "reported_at": ("reported_at", "date", "tanggal", "requested_at", "report_date"),
    "taken_down_at": ("taken_down_at", "removed_at", "takedown_date"),
    "note": ("note", "notes", "catatan"),
}


class TakedownSchema(dy.Schema):
    """One reported account, pseudonymised."""

    platform = dy.Enum(PLATFORMS)
    seller_id = dy.String(regex=r"^s_[0-9a-f]{20}$")
    reported_at = dy.Date()
    taken_down_at = dy.Date(nullable=True)
    note = dy.String(nullable=True)
    source_file = dy.String()
    source_row = dy.UInt32()


def _columns(names: list[str]) -> dict[str, str]:
    lowered = {n.strip().lower(): n for n in names}
    return {
        field: next(lowered[a] for a in aliases if a in lowered)
        for field, aliases in HEADER_ALIASES.items()
        if any(a in lowered for a in aliases)
    }


def load_takedowns(path: str | Path, where: Paths | None = None) -> Loaded:
    """Load one takedown list as pseudonymised reported accounts (see the module docstring)."""
    path = Path(path)
    raw = read_table(path, lambda cells: {"platform", "handle"} <= set(_columns(cells)))
    found = _columns(raw.columns)
    missing = [f for f in ("platform", "handle", "reported_at") if f not in found]
    if missing:
        raise DataError(
            path,
            f"not a takedown list: no {', '.join(missing)} column among "
            f"({', '.join(raw.columns[:10])})",
        )
    key = pseudonym_key(where)
    platform = raw.select(platform_name(pl.col(found["platform"]))).to_series()
    handle = raw[found["handle"]]
    seller_id = pseudonymise(platform.fill_null("other"), handle, key)
    raw = raw.with_columns(pl.Series(found["handle"], seller_id))  # the handle goes here
    rows = RawRows.of(raw, path)
    kept = rows.kept.with_columns(_platform=platform.gather(rows.kept[ROW] - 1))

    def text(field: str) -> pl.Expr:
        return pl.col(found[field]) if field in found else pl.lit(None, pl.String)

    def when(field: str) -> pl.Expr:
        return parse_datetime(text(field)).dt.date()

    reason = first_problem(
        (pl.col("_platform").is_null(), pl.format("unknown platform: '{}'", text("platform"))),
        (text("handle").is_null(), "no handle"),
        (
            when("reported_at").is_null(),
            pl.format("reported_at is not a date: '{}'", text("reported_at")),
        ),
        (
            text("taken_down_at").is_not_null() & when("taken_down_at").is_null(),
            pl.format("taken_down_at is not a date: '{}'", text("taken_down_at")),
        ),
    )
    parsed = kept.select(
        pl.col("_platform").alias("platform"),
        text("handle").alias("seller_id"),
        when("reported_at").alias("reported_at"),
        when("taken_down_at").alias("taken_down_at"),
        text("note").alias("note"),
        pl.col(FILE),
        pl.col(ROW),
        reason.alias(REASON),
    )
    clean, reasons = validate(TakedownSchema, parsed, {})
    # the same account reported twice: the first report counts, the others are duplicates
    first = clean.sort("reported_at", ROW).unique(["platform", "seller_id"], keep="first")
    repeats = clean.height - first.height
    return rows.loaded(first.sort(ROW), reasons, merged=repeats, info={"accounts": first.height})
