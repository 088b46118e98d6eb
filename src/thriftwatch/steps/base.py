"""What a step reports back to the pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polars as pl

from thriftwatch.errors import CheckError
from thriftwatch.loaders.base import REJECTED_SCHEMA, Loaded


@dataclass
class StepResult:
    """Files a step read and wrote, with row counts of the tables it wrote."""

    name: str
    inputs: list[Path] = field(default_factory=list)
    outputs: dict[Path, int | None] = field(default_factory=dict)
    details: dict[str, object] = field(default_factory=dict)


class FileResult(Protocol):
    """What a loader reports of one file (`Loaded`, or `Streamed` for a file cleaned in
    chunks)."""

    path: Path | None
    n_raw: int
    n_duplicates: int
    rejected: pl.DataFrame

    def summary(self) -> dict[str, object]: ...


def combine(
    source: str, loaded: Sequence[Loaded]
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The clean rows, quarantined rows and per-file row accounting of a source's files,
    after checking that every raw row is clean, quarantined or a declared duplicate."""
    clean = pl.concat([x.clean for x in loaded], how="vertical")
    rejected, accounting = account(source, loaded)
    return clean, rejected, accounting


def account(source: str, files: Sequence[FileResult]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The quarantined rows and per-file row accounting of a source's files, after checking
    that every raw row is clean, quarantined or a declared duplicate."""
    rejected = pl.concat(
        [pl.DataFrame(schema=REJECTED_SCHEMA)] + [x.rejected.cast(REJECTED_SCHEMA) for x in files],  # type: ignore[arg-type]
        how="vertical",
    )
    summaries = [x.summary() for x in files]
    accounting = pl.DataFrame(
        [{**s, "file": x.path.name, "snapshot": x.path.parent.name}
         for x, s in zip(files, summaries, strict=True) if x.path]
    )  # fmt: skip
    n_raw = sum(x.n_raw for x in files)
    n_clean = sum(int(s["clean"]) for s in summaries)  # type: ignore[call-overload]
    kept = n_clean + rejected.height + sum(x.n_duplicates for x in files)
    if kept != n_raw:
        raise CheckError(
            f"{source} rows not conserved: {n_raw} raw, {kept} clean + rejected + duplicates"
        )
    return rejected, accounting
