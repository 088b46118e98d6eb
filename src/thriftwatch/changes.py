"""What a run changed: rows added, removed and changed per table against the previous run.

Each tracked table is fingerprinted by its key columns and a hash of the rest of the row;
comparing the fingerprints before and after a run counts the three kinds of change.
"""

from __future__ import annotations

import polars as pl

#: Tables compared between runs, with the columns that identify a row.
TRACKED = {
    "customs_clean": ("source_file", "source_row"),
    "seizures_clean": ("event_id",),
    "listings_clean": ("source_file", "source_row"),
    "mirror_gap": ("partner_iso3", "hs6", "year"),
    "concentration_regions": ("level", "unit", "code"),
}


def fingerprint(table: pl.DataFrame, key: tuple[str, ...]) -> pl.DataFrame:
    """Key columns and `_hash`, a hash of every other column of the row."""
    rest = [c for c in table.columns if c not in key]
    return table.select(*key, pl.struct(rest).hash(seed=0).alias("_hash"))


def compare(
    before: pl.DataFrame | None, after: pl.DataFrame, key: tuple[str, ...]
) -> dict[str, int]:
    """Counts of rows added, removed, changed and unchanged between two fingerprints (all
    rows added when there is no previous table)."""
    if before is None:
        return {"added": after.height, "removed": 0, "changed": 0, "unchanged": 0}
    joined = before.join(after, on=list(key), how="full", coalesce=True, suffix="_after")
    added = joined.filter(pl.col("_hash").is_null()).height
    removed = joined.filter(pl.col("_hash_after").is_null()).height
    both = joined.filter(pl.col("_hash").is_not_null() & pl.col("_hash_after").is_not_null())
    changed = both.filter(pl.col("_hash") != pl.col("_hash_after")).height
    return {"added": added, "removed": removed, "changed": changed,
            "unchanged": both.height - changed}  # fmt: skip


def changes_table(
    before: dict[str, pl.DataFrame], after: dict[str, pl.DataFrame], previous_run: str | None
) -> pl.DataFrame:
    """The `run_changes` table: one row per tracked table the run left (in `TRACKED` order)
    with the previous run's id and the rows added, removed, changed and unchanged since it,
    from the fingerprints before and after the run; a table the previous run did not have
    counts every row as added."""
    rows = [
        {"table": name, "previous_run": previous_run,
         **compare(before.get(name), after[name], TRACKED[name])}
        for name in TRACKED if name in after
    ]  # fmt: skip
    return pl.DataFrame(rows, schema_overrides={"previous_run": pl.String})
