"""Benchmark of the loaders: wall time, rows per second and peak memory.

    .venv/bin/python benchmarks/bench_loaders.py --rows 1000000 [--json OUT]

Generates N synthetic listings with the project's generator in a subprocess (not timed, and
not counted in this process's memory), then times in this process the listings path as
`thriftwatch run` does it (read, clean, resolve regions, pseudonymise, drop reposts, write
parquet), and the customs and seizure loaders on the shipped data. Peak RSS is this
process's high-water mark after the listings path. Numbers depend on the machine: compare
runs on the same one. Not part of the test suite.

Not yet here (issue 10): the pandas baseline the issue asks for, and the streaming path for
10M+ rows.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.table import Table

from thriftwatch import steps
from thriftwatch.config import Paths
from thriftwatch.loaders.listings import load_listings


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(rows: int, out: Path) -> float:
    """Write N synthetic listings as CSV (the format scrapes arrive in); seconds taken."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "thriftwatch", "synth", "listings", "--rows", str(rows),
         "--out", str(out)],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - start


def time_listings(path: Path, where: Paths, out: Path) -> dict[str, float]:
    """The listings path end to end, written to parquet."""
    start = time.perf_counter()
    loaded = load_listings(path, where)
    loaded.clean.write_parquet(out)
    seconds = time.perf_counter() - start
    return {
        "rows": loaded.n_raw,
        "clean": loaded.clean.height,
        "rejected": loaded.rejected.height,
        "duplicates": loaded.n_duplicates,
        "seconds": seconds,
        "rows_per_s": loaded.n_raw / seconds,
    }


def time_step(name: str, where: Paths) -> dict:
    """A loading step of `thriftwatch run` (all current files of a source) end to end."""
    start = time.perf_counter()
    result = getattr(steps, name).run(where)
    seconds = time.perf_counter() - start
    files = result.details.get("files", [])
    rows = sum(int(f["n_raw"]) for f in files)  # type: ignore[index]
    return {"loader": name, "files": len(files), "rows": rows, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    base = Paths.from_env()
    console = Console()
    with tempfile.TemporaryDirectory(prefix="thriftwatch-bench-") as folder:
        tmp = Path(folder)
        where = dataclasses.replace(base, private=tmp / "private")
        source = tmp / "listings.csv"
        generation_s = generate(args.rows, source)
        mb = source.stat().st_size / 1e6
        listings = time_listings(source, where, tmp / "clean.parquet")
        peak = peak_rss_mb()
        scratch = dataclasses.replace(where, processed=tmp / "processed")
        others = [time_step(name, scratch) for name in ("customs", "seizures")]

    table = Table(title=f"listings path, {args.rows:,} synthetic rows ({mb:,.0f} MB CSV)")
    for column in ("rows", "clean", "rejected", "duplicates", "seconds", "rows/s", "peak RSS MB"):
        table.add_column(column, justify="right")
    table.add_row(
        *(f"{listings[k]:,}" for k in ("rows", "clean", "rejected", "duplicates")),
        f"{listings['seconds']:.2f}",
        f"{listings['rows_per_s']:,.0f}",
        f"{peak:,.0f}",
    )
    console.print(table)
    small = Table(title="other loaders on the shipped data")
    for column in ("loader", "files", "rows", "seconds"):
        small.add_column(column, justify="right")
    for row in others:
        small.add_row(row["loader"], str(row["files"]), str(row["rows"]), f"{row['seconds']:.2f}")
    console.print(small)
    console.print(f"generation (not timed above): {generation_s:.1f} s")

    if args.json:
        figures = {
            "rows": args.rows,
            "polars_s": round(listings["seconds"], 3),
            "rows_per_s": round(listings["rows_per_s"]),
            "peak_rss_mb": round(peak, 1),
            "pandas_s": None,  # the pandas baseline is not written yet (issue 10)
            "clean": listings["clean"],
            "rejected": listings["rejected"],
            "duplicates": listings["duplicates"],
            "csv_mb": round(mb, 1),
            "other_loaders": others,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "polars": pl.__version__,
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
