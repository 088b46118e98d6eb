"""Step: the current listings files -> clean pseudonymised listings, quarantine and row
accounting. With no listings export at all, `ensure_sample` generates a seeded synthetic
sample first (and every output that uses it says so: its rows carry `synthetic = True`)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import polars as pl
import yaml

from thriftwatch import catalog
from thriftwatch.config import Paths, stream_mb
from thriftwatch.errors import CheckError
from thriftwatch.loaders.base import Loaded
from thriftwatch.loaders.listings import load_listings
from thriftwatch.loaders.listings_stream import Streamed, stream_listings
from thriftwatch.privacy import private_dir, save_seller_map
from thriftwatch.snapshots import current_files, required_files, sha256
from thriftwatch.steps.base import StepResult, account
from thriftwatch.synth import generate_listings

DEFAULT_ROWS = 200_000
DEFAULT_SEED = 20230315  # the day the March 2023 crackdown began


def ensure_sample(where: Paths, rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED) -> list[str]:
    """With no listings file at all, generate the synthetic default sample into today's
    listings snapshot, with its `.meta.yml` saying loudly that it is synthetic; return the
    names of the files generated (none when listings exist)."""
    if current_files(where.source_dir("listings")):
        return []
    day = dt.date.today()
    folder = where.source_dir("listings") / day.isoformat()
    name = f"synthetic_listings_seed{seed}_{rows}.parquet"
    # generated in a hidden folder and moved into the snapshot at the end, data file last:
    # a run killed while generating leaves no partial file for the next run to trip on
    for stale in where.source_dir("listings").glob(".partial-*"):
        shutil.rmtree(stale, ignore_errors=True)
    partial = where.source_dir("listings") / f".partial-{os.getpid()}"
    partial.mkdir(parents=True)
    result = generate_listings(rows, seed, partial / name, where)
    meta = {
        "file": name,
        "description": "SYNTHETIC listings of used clothing, not real data: a seeded sample "
        "made by thriftwatch because no listings export was provided",
        "producer": "thriftwatch.synth.generate_listings",
        "source": f"generated with seed {seed}: {rows} rows, {result.sellers} sellers",
        "date_generated": day.isoformat(),
        "licence": "generated data; no rights attached",
        "sha256": sha256(result.path),
        "bytes": result.path.stat().st_size,
        "rows": rows,
        "truth": result.truth.name,
    }
    text = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    (partial / f"{name}.meta.yml").write_text(text)
    sidecars = [result.truth.name, f"{name}.takedowns.truth.parquet", f"{name}.meta.yml"]
    if result.takedowns:
        # the simulated report list is a takedown list like an agency's, in its own source
        reports = where.source_dir("takedowns") / day.isoformat()
        reports.mkdir(parents=True, exist_ok=True)
        listed = f"synthetic_takedowns_seed{seed}_{rows}.csv"
        report_meta = {
            "file": listed,
            "description": "SYNTHETIC takedown list (accounts reported to a platform) of the "
            f"synthetic listings sample {name}; not real accounts",
            "producer": "thriftwatch.synth.generate_listings",
            "source": f"generated with seed {seed}",
            "date_generated": day.isoformat(),
            "licence": "generated data; no rights attached",
            "sha256": sha256(result.takedowns),
        }
        (reports / f"{listed}.meta.yml").write_text(
            yaml.safe_dump(report_meta, sort_keys=False, allow_unicode=True, width=100)
        )
        os.replace(result.takedowns, reports / listed)
    folder.mkdir(parents=True, exist_ok=True)
    for file in (*sidecars, name):
        os.replace(partial / file, folder / file)
    partial.rmdir()
    return [name]


def run(where: Paths) -> StepResult:
    """Load every current listings file and save the combined tables.

    A CSV file larger than `config.stream_mb()` is cleaned in chunks (`stream_listings`:
    the same rows, in bounded memory) through temporary files, its personal data into the
    private folder only; the combined clean table is then streamed to disk."""
    # Load inputs
    files = required_files(where.source_dir("listings"))
    limit = stream_mb() * 1e6
    where.processed.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix=".listings-", dir=where.processed) as parts,
        tempfile.TemporaryDirectory(prefix=".personal-", dir=private_dir(where)) as private,
    ):
        results: list[Loaded | Streamed] = [
            stream_listings(f, Path(parts) / f"{i}.parquet", where,
                            personal=Path(private) / f"{i}.parquet")
            if f.suffix.lower() == ".csv" and f.stat().st_size > limit
            else load_listings(f, where)
            for i, f in enumerate(files)
        ]  # fmt: skip

        # Process
        clean = pl.concat(
            [pl.scan_parquet(x.clean) if isinstance(x, Streamed) else x.clean.lazy()
             for x in results],
            how="vertical",
        )  # fmt: skip
        rejected, accounting = account("listings", results)
        columns = clean.collect_schema().names()
        if leaked := sorted({"seller_handle", "url"} & set(columns)):
            raise CheckError(f"personal columns {leaked} would reach processed/listings_clean")

        # Save outputs: names only to the private folder, everything else to processed/
        personal = [
            pl.scan_parquet(x.personal) if isinstance(x, Streamed) else x.personal
            for x in results
            if x.personal is not None
        ]
        seller_map = save_seller_map(personal, where)
        saved = catalog.save(clean, "listings_clean", where)
    totals = pl.scan_parquet(saved).select(pl.len(), pl.col("synthetic").any()).collect()
    outputs = {
        saved: totals["len"].item(),
        catalog.save(rejected, "listings_rejected", where): rejected.height,
        catalog.save(accounting, "listings_files", where): accounting.height,
    }
    return StepResult(
        "listings",
        inputs=files,
        outputs=outputs,
        details={
            "files": accounting.select(
                "file", "n_raw", "clean", "rejected", "duplicates"
            ).to_dicts(),
            "synthetic": bool(totals["synthetic"].item()),
            "seller_map": seller_map,
            "streamed": [x.path.name for x in results if isinstance(x, Streamed) and x.path],
        },
    )
