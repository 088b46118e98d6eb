"""What every loader returns, and the quarantine mechanics they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import dataframely as dy
import polars as pl

from thriftwatch.parse import PROBLEM

#: Row bookkeeping columns every loader adds to the raw frame.
ROW = "source_row"
FILE = "source_file"
REASON = "reason"

#: The quarantine table's fixed shape: one row per rejected raw row, for every source.
REJECTED_SCHEMA = pl.Schema({FILE: pl.String, ROW: pl.UInt32, REASON: pl.String, "raw": pl.String})


@dataclass(frozen=True)
class Loaded:
    """A loaded file: clean rows, quarantined rows with their reason, and the row accounting.

    Always `n_raw == clean.height + rejected.height + n_duplicates`; the constructor checks it.
    """

    clean: pl.DataFrame
    rejected: pl.DataFrame
    n_raw: int
    n_duplicates: int
    path: Path | None = None
    info: dict[str, object] = field(default_factory=dict)
    #: Personal data held back for the private seller map (`thriftwatch.privacy`), one row
    #: per raw row with a seller: never part of `clean`, `rejected` or any output.
    personal: pl.DataFrame | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        total = self.clean.height + self.rejected.height + self.n_duplicates
        if total != self.n_raw:
            raise RuntimeError(
                f"row accounting broken for {self.path}: {self.n_raw} raw rows but "
                f"{self.clean.height} clean + {self.rejected.height} rejected + "
                f"{self.n_duplicates} duplicates = {total}"
            )

    def summary(self) -> dict[str, object]:
        """The row accounting as a plain dict (for the manifest and the run summary)."""
        return {
            "file": str(self.path) if self.path else None,
            "n_raw": self.n_raw,
            "clean": self.clean.height,
            "rejected": self.rejected.height,
            "duplicates": self.n_duplicates,
            **self.info,
        }


@dataclass(frozen=True)
class RawRows:
    """A raw table as read: every row numbered (`source_file`, `source_row`: 1 = the first row
    after the header), and the rows that repeat no earlier row exactly (`kept`)."""

    path: Path
    columns: list[str]
    rows: pl.DataFrame
    kept: pl.DataFrame
    broken: pl.DataFrame | None = None
    repeats: int = 0

    @classmethod
    def of(cls, raw: pl.DataFrame, path: Path, first_row: int = 1) -> RawRows:
        """Number the rows of a raw table (from `first_row`: a chunk of a larger file), set
        exact repeats aside, and hold back the rows the reader found broken (too many or too
        few fields) for the quarantine."""
        columns = [c for c in raw.columns if c != PROBLEM]
        rows = raw.with_columns(
            pl.lit(path.name).alias(FILE),
            pl.int_range(first_row, first_row + pl.len(), dtype=pl.UInt32).alias(ROW),
        )
        broken = None
        if PROBLEM in raw.columns:
            broken = rows.filter(pl.col(PROBLEM).is_not_null()).select(
                ROW, pl.col(PROBLEM).alias(REASON)
            )
            rows = rows.with_columns(pl.col(PROBLEM).is_not_null().alias("_broken")).drop(PROBLEM)
        else:
            rows = rows.with_columns(pl.lit(False).alias("_broken"))
        # repeats are judged among whole rows only: a broken row is quarantined, and a
        # whole row that happens to match a truncated one is still the first of its kind
        distinct = pl.struct(columns).is_first_distinct()
        if broken is not None and broken.height:  # (a window costs 0.2 s per million rows)
            distinct = distinct.over("_broken")
        first = rows.select(distinct).to_series()
        whole = first & ~pl.col("_broken")
        # the usual case keeps every row: no filtered copy of a large table then
        kept = rows if rows.select(whole.all()).item() else rows.filter(whole)
        kept = kept.drop("_broken")
        repeats = rows.filter(~first & ~pl.col("_broken")).height
        return cls(path, columns, rows.drop("_broken"), kept, broken, repeats)

    @property
    def n_duplicates(self) -> int:
        """Rows that repeat an earlier row exactly."""
        return self.repeats

    def loaded(
        self,
        clean: pl.DataFrame,
        *reasons: pl.DataFrame,
        merged: int = 0,
        info: dict[str, object] | None = None,
        personal: pl.DataFrame | None = None,
    ) -> Loaded:
        """The `Loaded` of this table: `clean` rows, the kept rows named in `reasons`
        (frames of `source_row`, `reason`) quarantined with their raw text, and `merged` rows
        declared duplicates of another (as reports of one event)."""
        why = pl.concat(
            [pl.DataFrame(schema={ROW: pl.UInt32, REASON: pl.String}), *reasons], how="vertical"
        )
        candidates = self.kept
        if self.broken is not None and self.broken.height:
            why = pl.concat([why, self.broken], how="vertical")
            candidates = self.rows
        quarantined = candidates.join(why, on=ROW, how="inner").sort(ROW)
        rejected = quarantined.select(
            pl.col(FILE),
            pl.col(ROW),
            pl.col(REASON),
            pl.struct(self.columns).struct.json_encode().alias("raw"),
        ).cast(REJECTED_SCHEMA)  # type: ignore[arg-type]
        return Loaded(
            clean=clean,
            rejected=rejected,
            n_raw=self.rows.height,
            n_duplicates=self.n_duplicates + merged,
            path=self.path,
            info=info or {},
            personal=personal,
        )


def validate(
    schema: type[dy.Schema], frame: pl.DataFrame, messages: dict[str, str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows of `frame` that parsed (null `reason`, when the column exists) filtered through
    the dataframely `schema`: the valid rows, and (`source_row`, `reason`) for every row that
    did not parse or failed a rule."""
    # one lazy plan: the rows that parsed are not copied out before the schema's own filter
    parsed = frame.lazy()
    if REASON in frame.columns:
        parsed = parsed.filter(pl.col(REASON).is_null()).drop(REASON)
    valid, failure = schema.filter(parsed, cast=True).collect_all()  # type: ignore[union-attr]
    reasons = [rule_reasons(schema, failure, messages)]
    if REASON in frame.columns:
        reasons.insert(0, frame.filter(pl.col(REASON).is_not_null()).select(ROW, REASON))
    return valid, pl.concat(reasons, how="vertical")


def rule_reasons(
    schema: type[dy.Schema], failure: dy.FailureInfo, messages: dict[str, str]
) -> pl.DataFrame:
    """One readable reason per failing row of a dataframely filter, keyed by `source_row`.

    Column rules read `column: check` (e.g. `net_weight_kg: min`); schema-level rules use the
    message given for them in `messages`, else their name.
    """
    details = failure.details()
    rules = [c for c in details.columns if c not in schema.column_names()]
    if details.is_empty() or not rules:
        return pl.DataFrame(schema={ROW: pl.UInt32, REASON: pl.String})

    def label(rule: str) -> str:
        if rule in messages:
            return messages[rule]
        column, _, check = rule.partition("|")
        return {
            "min": f"{column} below its minimum",
            "max": f"{column} above its maximum",
            "nullability": f"{column} missing",
            "regex": f"{column} malformed",
        }.get(check, f"{column}: {check}" if check else column)

    return details.select(
        pl.col(ROW),
        pl.concat_str(
            [pl.when(pl.col(r) == "invalid").then(pl.lit(label(r))) for r in rules],
            separator="; ",
            ignore_nulls=True,
        ).alias(REASON),
    )


def first_problem(*checks: tuple[pl.Expr, str | pl.Expr]) -> pl.Expr:
    """The reason of the first failing check, or null: `(condition_that_is_a_problem, reason)`."""
    expr: pl.Expr = pl.lit(None, dtype=pl.String)
    for condition, reason in reversed(checks):
        message = pl.lit(reason) if isinstance(reason, str) else reason
        expr = pl.when(condition).then(message).otherwise(expr)
    return expr
