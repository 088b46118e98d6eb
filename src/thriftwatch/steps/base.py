"""What a step reports back to the pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from thriftwatch.loaders.base import REJECTED_SCHEMA, Loaded


@dataclass
class StepResult:
    """Files a step read and wrote, with row counts of the tables it wrote."""

    name: str
    inputs: list[Path] = field(default_factory=list)
    outputs: dict[Path, int | None] = field(default_factory=dict)
    details: dict[str, object] = field(default_factory=dict)


def combine(
    source: str, loaded: Sequence[Loaded]
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The clean rows, quarantined rows and per-file row accounting of a source's files,
    after checking that every raw row is clean, quarantined or a declared duplicate."""
    clean = pl.concat([x.clean for x in loaded], how="vertical")
    rejected = pl.concat(
        [x.rejected.cast(REJECTED_SCHEMA) for x in loaded],  # type: ignore[arg-type]
        how="vertical",
    )
    accounting = pl.DataFrame(
        [{**x.summary(), "file": x.path.name, "snapshot": x.path.parent.name}
         for x in loaded if x.path]
    )  # fmt: skip
    n_raw = sum(x.n_raw for x in loaded)
    kept = clean.height + rejected.height + sum(x.n_duplicates for x in loaded)
    assert kept == n_raw, (
        f"{source} rows not conserved: {n_raw} raw, {kept} clean + rejected + duplicates"
    )
    return clean, rejected, accounting
