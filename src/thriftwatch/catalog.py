"""Dataset names mapped to files, so notebooks say `load("mirror_gap")`, never a path.

Writes go through `save`, which writes a temporary file and renames it: a reader never sees a
half-written table.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from thriftwatch.config import Paths, paths

#: name -> (folder below data/processed, file name, what it holds)
DATASETS: dict[str, tuple[str, str, str]] = {
    "customs_clean": ("clean", "customs.parquet", "HS 6309 trade figures, clean schema"),
    "customs_rejected": ("rejected", "customs.parquet", "quarantined trade rows with reasons"),
    "customs_files": ("clean", "customs_files.parquet", "row accounting per raw trade file"),
    "trade_figures": ("marts", "trade_figures.parquet", "one preferred figure per trade cell"),
    "mirror_gap": ("marts", "mirror_gap.parquet", "partner-reported vs BPS-reported flows"),
    "seizures_clean": ("clean", "seizures.parquet", "enforcement events, one row per event"),
    "seizures_rejected": ("rejected", "seizures.parquet", "quarantined seizure rows"),
    "seizures_files": ("clean", "seizures_files.parquet", "row accounting per seizure file"),
    "enforcement_aggregates": (
        "clean",
        "enforcement_aggregates.parquet",
        "officials' and platforms' period totals",
    ),
    "seizures_monthly": ("marts", "seizures_monthly.parquet", "events and goods per month"),
    "listings_clean": ("clean", "listings.parquet", "pseudonymised listings, one per listing"),
    "listings_rejected": ("rejected", "listings.parquet", "quarantined listing rows"),
    "listings_files": ("clean", "listings_files.parquet", "row accounting per listings file"),
    "sellers": ("marts", "sellers.parquet", "one row per pseudonymous seller with its region"),
    "concentration_regions": (
        "marts",
        "concentration_regions.parquet",
        "sellers and listings per region, shares, per 100k, LQ, LISA, G*",
    ),
    "concentration_measures": (
        "marts",
        "concentration_measures.parquet",
        "HHI, top-k, Gini, Theil, Moran's I, greater Bandung",
    ),
    "listing_months": ("marts", "listing_months.parquet", "second-hand listings per month"),
    "seizure_months": ("marts", "seizure_months.parquet", "seizure events per month, national"),
    "trade_years": ("marts", "trade_years.parquet", "recorded imports and mirror exports/year"),
    "trend_status": ("marts", "trend_status.parquet", "which models were fitted, and why not"),
    "trend_estimates": ("marts", "trend_estimates.parquet", "model terms with 95% intervals"),
    "trend_diagnostics": ("marts", "trend_diagnostics.parquet", "Ljung-Box, normality, AIC"),
    "trend_fitted": ("marts", "trend_fitted.parquet", "observed and fitted values"),
    "trend_forecast": ("marts", "trend_forecast.parquet", "12-month forecasts with intervals"),
    "mirror_gap_summary": ("marts", "mirror_gap_summary.parquet", "annual gap per partner"),
    "run_changes": (
        "marts",
        "run_changes.parquet",
        "rows added, removed, changed since the last run",
    ),
    "takedowns_clean": ("clean", "takedowns.parquet", "reported accounts, pseudonymised"),
    "takedowns_rejected": ("rejected", "takedowns.parquet", "quarantined takedown-list rows"),
    "takedowns_files": ("clean", "takedowns_files.parquet", "row accounting per takedown list"),
    "takedown_effects": (
        "marts",
        "takedown_effects.parquet",
        "change in listings and active sellers after each takedown event, 95% intervals",
    ),
    "takedown_dynamics": ("marts", "takedown_dynamics.parquet", "month-by-month event study"),
    "takedown_accounts": (
        "marts",
        "takedown_accounts.parquet",
        "reported accounts' listings vs matched unreported accounts, alone and with comebacks",
    ),
    "takedown_comebacks": (
        "marts",
        "takedown_comebacks.parquet",
        "reported accounts: still active, came back under a new handle, or gone",
    ),
    "concentration_quarterly": (
        "marts",
        "concentration_quarterly.parquet",
        "sellers and listings per quarter and region",
    ),
}


def _processed(where: Paths | str | Path | None) -> Path:
    if where is None:
        return paths().processed
    if isinstance(where, Paths):
        return where.processed
    return Path(where)


def path(name: str, where: Paths | str | Path | None = None) -> Path:
    """The file of a named dataset; `where` is a `Paths`, a processed folder, or None for
    the folder the environment names."""
    if name not in DATASETS:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(sorted(DATASETS))}")
    folder, file, _ = DATASETS[name]
    return _processed(where) / folder / file


def load(
    name: str, where: Paths | str | Path | None = None, columns: Sequence[str] | None = None
) -> pl.DataFrame:
    """Read a named dataset that the pipeline wrote; only `columns`, when given (a step
    that needs five columns of a national listings table need not hold all twenty)."""
    file = path(name, where)
    if not file.is_file():
        raise FileNotFoundError(f"{file} does not exist yet: run `thriftwatch run` first")
    return pl.read_parquet(file, columns=list(columns) if columns is not None else None)


@contextmanager
def _replacing(target: Path) -> Iterator[Path]:
    """A temporary path beside `target` that replaces it when the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's owner-only mode
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


def boundaries(level: str, where: Paths | str | Path | None = None) -> dict:
    """The web-simplified GeoJSON of `province` or `kabkota` that the last run cached."""
    file = _processed(where) / "geo" / f"{level}.geojson"
    if not file.is_file():
        raise FileNotFoundError(f"{file} does not exist yet: run `thriftwatch run` first")
    return json.loads(file.read_text())


def write_atomic(target: Path, data: bytes) -> Path:
    """Write bytes to `target` through a temporary file in the same folder and a rename."""
    with _replacing(target) as tmp, tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return target


def save(df: pl.DataFrame | pl.LazyFrame, name: str, where: Paths) -> Path:
    """Write a named dataset atomically as parquet (a lazy frame streamed to disk)."""
    target = path(name, where)
    with _replacing(target) as tmp:
        if isinstance(df, pl.LazyFrame):
            df.sink_parquet(tmp)
        else:
            df.write_parquet(tmp)
    return target
