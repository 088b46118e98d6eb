"""The one choke point for small counts: every published count of sellers or accounts goes
through `suppress` (tables, maps) or `count_text` (sentences).

A count above zero but below `policy.SUPPRESS_BELOW` (5) could point at a handful of
identifiable people in a small kab/kota, so it is never printed: tables blank it and what is
derived from it, sentences say "fewer than 5".
"""

from __future__ import annotations

import polars as pl

from thriftwatch.policy import SUPPRESS_BELOW

#: Columns derived from a count, blanked with it.
DERIVED = ("count", "share", "per_100k", "lq")


def small(count: pl.Expr | int | None, threshold: int = SUPPRESS_BELOW) -> pl.Expr | bool:
    """Whether a count is suppressed: above zero and below the threshold."""
    if isinstance(count, pl.Expr):
        return (count > 0) & (count < threshold)
    return count is not None and 0 < count < threshold


def suppress(
    table: pl.DataFrame, *, column: str = "count", threshold: int = SUPPRESS_BELOW
) -> pl.DataFrame:
    """The table as published: where 0 < `column` < threshold, the count and everything
    derived from it (`share`, `per_100k`, `lq`) are blanked and `suppressed` is true."""
    hide = small(pl.col(column), threshold)
    derived = [c for c in (column, *DERIVED) if c in table.columns]
    return table.with_columns(
        *[pl.when(hide).then(None).otherwise(pl.col(c)).alias(c) for c in dict.fromkeys(derived)],
        suppressed=hide,
    )


def count_text(count: int | None, noun: str = "", *, threshold: int = SUPPRESS_BELOW) -> str:
    """A count of people for a sentence: `12 sellers`, `fewer than 5 sellers`, `0 sellers`."""
    text = f"fewer than {threshold}" if small(count, threshold) else f"{count or 0:,}"
    return f"{text} {noun}".strip()


def count_cell(count: int | None, *, threshold: int = SUPPRESS_BELOW) -> str:
    """A count of people for a table cell: the number, or `<5` when suppressed, whether the
    count is given (and small) or already blanked by `suppress` (None)."""
    return f"<{threshold}" if count is None or small(count, threshold) else f"{count:,}"
