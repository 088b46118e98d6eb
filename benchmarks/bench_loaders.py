"""Benchmark of the loaders: wall time, rows per second and peak memory, polars vs pandas.

    .venv/bin/python benchmarks/bench_loaders.py --rows 1000000 [--json OUT]
    .venv/bin/python benchmarks/bench_loaders.py --rows 10000000 --paths stream

Generates N synthetic listings as CSV with the project's generator (not timed; above 1M rows
a 1M sample is tiled with distinct ids and sellers), then runs on that same file, each in a
fresh child process of this one so that the peak memory of one does not mask the other's:

- **polars**: the listings path as `thriftwatch run` does it (read, clean, resolve regions,
  pseudonymise, drop reposts, write parquet), the whole file in memory;
- **pandas**: the same cleaning as a typical notebook writes it (`pandas_baseline.py`: row-wise
  `apply` for prices, dates, regions and pseudonyms);
- **stream**: `stream_listings`, the same cleaning in chunks with bounded memory;
- **io**: read the CSV as text and write it as parquet, nothing else: the floor of any loader
  on this machine;
- **minimal**: one polars lazy plan doing a small part of the cleaning (two date forms, one
  price form, title normalisation, two keyword patterns, an unkeyed hash for the seller, exact
  repeats of seller + title + price) with no quarantine, regions, keyed pseudonyms or
  validation: how fast a loader could be if it did almost nothing (`minimal_plan`).

`--profile OUT.html` (or `.txt`) records the polars path with pyinstrument.

It then checks that polars and pandas kept the same rows with the same values
(`pandas_baseline.COMPARED`) and times the customs and seizure steps on the shipped data.
Numbers depend on the machine: compare runs on the same one. Not part of the test suite.
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

from thriftwatch.config import Paths

# pandas_baseline (pandas) and the pipeline's steps (statsmodels, plotly, geopandas) are
# imported where used: in the polars child they would add ~120 MB to its peak memory.
sys.path.insert(0, str(Path(__file__).parent))


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


#: Above this many rows the generated sample is tiled (the generator writes ~15,000 rows/s).
GENERATED_MAX = 1_000_000


def generate(rows: int, out: Path) -> float:
    """Write N synthetic listings as CSV (the format scrapes arrive in); seconds taken.

    Above `GENERATED_MAX` rows, a generated sample of that size is repeated with the listing
    ids, URLs and seller handles of each copy made distinct (so each copy is other sellers'
    listings, not duplicates), streamed to disk by polars."""
    start = time.perf_counter()
    base = out if rows <= GENERATED_MAX else out.with_name("base.csv")
    subprocess.run(
        [sys.executable, "-m", "thriftwatch", "synth", "listings", "--rows",
         str(min(rows, GENERATED_MAX)), "--out", str(base)],
        check=True, capture_output=True,
    )  # fmt: skip
    if base != out:
        copies = -(-rows // GENERATED_MAX)
        scan = pl.scan_csv(base, infer_schema=False)
        distinct = ("listing_id", "seller_handle", "url")
        tiles = [scan.with_columns(pl.col(c) + f"-{k}" for c in distinct) for k in range(copies)]
        pl.concat(tiles).head(rows).sink_csv(out)
        base.unlink()
    return time.perf_counter() - start


def minimal_plan(source: Path, out: Path) -> int:
    """A fraction of the listings cleaning as one polars lazy plan; rows written.

    Not a loader (it drops bad values without a word and reads two date forms of the dozen):
    a lower bound for the speed of the real one on the same machine."""
    day = pl.col("posted_at").str.strip_chars()
    title = pl.col("title").str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ")
    plan = (
        pl.scan_csv(source, infer_schema=False)
        .with_columns(
            price=pl.col("price")
            .str.replace_all(r"[^0-9.,]", "")
            .str.replace_all(r"\.(\d{3})", "$1")
            .str.replace(",", ".")
            .cast(pl.Float64, strict=False),
            posted=pl.coalesce(
                day.str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False),
                day.str.to_datetime("%d/%m/%Y %H:%M", strict=False),
            ),
            title=title,
            seller=pl.col("seller_handle").hash(42),
            location=pl.col("seller_location").str.to_lowercase(),
        )
        .with_columns(
            secondhand=pl.col("title").str.contains(r"\b(bekas|second|preloved|thrift)\b"),
            imported=pl.col("title").str.contains(r"\b(import|impor|korea|jepang)\b"),
        )
        .drop("seller_handle")
        .unique(subset=["seller", "title", "price"], keep="first", maintain_order=True)
    )
    frame = plan.collect()
    frame.write_parquet(out)
    return frame.height


def child(path_name: str, source: Path, out: Path, private: Path, profile: Path | None) -> dict:
    """Run one path in this (child) process; its figures."""
    where = dataclasses.replace(Paths.from_env(), private=private)
    profiler = None
    if profile and path_name == "polars":
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    start = time.perf_counter()
    counts: dict[str, int | None]
    if path_name in ("io", "minimal"):
        if path_name == "io":
            rows = pl.read_csv(source, infer_schema=False)
            rows.write_parquet(out)
            kept = rows.height
        else:
            kept = minimal_plan(source, out)
        counts = {"rows": None, "clean": kept, "rejected": None, "duplicates": None}
    elif path_name == "stream":
        from thriftwatch.loaders.listings_stream import stream_listings

        streamed = stream_listings(source, out, where)
        counts = {
            "rows": streamed.n_raw,
            "clean": streamed.n_clean,
            "rejected": streamed.rejected.height,
            "duplicates": streamed.n_duplicates,
        }
    elif path_name == "polars":
        from thriftwatch.loaders.listings import load_listings

        loaded = load_listings(source, where)
        loaded.clean.write_parquet(out)
        counts = {
            "rows": loaded.n_raw,
            "clean": loaded.clean.height,
            "rejected": loaded.rejected.height,
            "duplicates": loaded.n_duplicates,
        }
    else:
        import pandas_baseline

        frame = pandas_baseline.clean(source, where)
        frame.to_parquet(out)
        counts = {"rows": None, "clean": len(frame), "rejected": None, "duplicates": None}
    seconds = time.perf_counter() - start
    if profiler and profile:
        profiler.stop()
        html = profile.suffix.lower() == ".html"
        profile.write_text(profiler.output_html() if html else profiler.output_text(show_all=True))
    return {**counts, "seconds": seconds, "peak_rss_mb": peak_rss_mb()}


def run_child(
    path_name: str, source: Path, out: Path, private: Path, profile: Path | None = None
) -> dict:
    result = out.with_suffix(".json")
    extra = ["--profile", str(profile.resolve())] if profile and path_name == "polars" else []
    subprocess.run(
        [sys.executable, __file__, "--child", path_name, "--input", str(source),
         "--out", str(out), "--private", str(private), "--result", str(result), *extra],
        check=True,
    )  # fmt: skip
    return json.loads(result.read_text())


def same_rows(polars_out: Path, pandas_out: Path) -> tuple[bool, int]:
    """Whether both paths kept the same rows with the same compared values; differing rows."""
    import pandas_baseline

    columns = pandas_baseline.COMPARED
    ours = pl.read_parquet(polars_out, columns=columns).with_columns(
        pl.col("source_row").cast(pl.Int64), pl.col("platform").cast(pl.String)
    )
    theirs = pl.read_parquet(pandas_out, columns=columns).cast(ours.schema)  # type: ignore[arg-type]
    differing = (
        ours.join(theirs, on=columns, how="anti", nulls_equal=True).height
        + theirs.join(ours, on=columns, how="anti", nulls_equal=True).height
    )
    return differing == 0 and ours.height == theirs.height, differing


def time_step(name: str, where: Paths) -> dict:
    """A loading step of `thriftwatch run` (all current files of a source) end to end."""
    from thriftwatch import steps

    start = time.perf_counter()
    result = getattr(steps, name).run(where)
    seconds = time.perf_counter() - start
    files = result.details.get("files", [])
    rows = sum(int(f["n_raw"]) for f in files)  # type: ignore[index]
    return {"loader": name, "files": len(files), "rows": rows, "seconds": seconds}


PATHS = ("polars", "pandas", "stream", "io", "minimal")
LABELS = {"polars": "polars (thriftwatch)", "pandas": "pandas (row-wise apply)",
          "stream": "polars, streamed in chunks", "io": "floor: read CSV, write parquet",
          "minimal": "floor: a minimal cleaning plan"}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--paths", default="polars,pandas",
        help=f"comma-separated, of {', '.join(PATHS)} (10M rows: --paths stream)",
    )  # fmt: skip
    parser.add_argument("--profile", type=Path, help="pyinstrument report of the polars path")
    for internal in ("--child", "--input", "--out", "--private", "--result"):
        parser.add_argument(internal, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        figures = child(
            args.child, Path(args.input), Path(args.out), Path(args.private), args.profile
        )
        Path(args.result).write_text(json.dumps(figures))
        return
    chosen = [p for p in PATHS if p in args.paths.split(",")]

    console = Console()
    with tempfile.TemporaryDirectory(prefix="thriftwatch-bench-") as folder:
        tmp = Path(folder)
        source = tmp / "listings.csv"
        generation_s = generate(args.rows, source)
        mb = source.stat().st_size / 1e6
        private = tmp / "private"
        runs = {
            p: run_child(p, source, tmp / f"{p}.parquet", private, args.profile) for p in chosen
        }
        same, differing = None, None
        if {"polars", "pandas"} <= set(runs):
            same, differing = same_rows(tmp / "polars.parquet", tmp / "pandas.parquet")
        scratch = dataclasses.replace(
            Paths.from_env(), processed=tmp / "processed", private=private
        )
        others = [time_step(name, scratch) for name in ("customs", "seizures")]

    table = Table(title=f"listings, {args.rows:,} synthetic rows ({mb:,.0f} MB CSV)")
    for column in ("path", "clean rows", "seconds", "rows/s", "peak RSS MiB"):
        table.add_column(column, justify="right")
    for name, figures in runs.items():
        table.add_row(LABELS[name], f"{figures['clean']:,}", f"{figures['seconds']:.2f}",
                      f"{args.rows / figures['seconds']:,.0f}",
                      f"{figures['peak_rss_mb']:,.0f}")  # fmt: skip
    console.print(table)
    for name in ("polars", "stream"):
        if f := runs.get(name):
            console.print(
                f"{LABELS[name]}: {f['rows']:,} rows = {f['clean']:,} clean + "
                f"{f['rejected']:,} rejected + {f['duplicates']:,} duplicates"
            )
    ours, theirs = runs.get("polars"), runs.get("pandas")
    if ours and theirs:
        verdict = "yes" if same else f"NO ({differing:,} rows differ)"
        speedup = theirs["seconds"] / ours["seconds"]
        console.print(f"speed-up over pandas: {speedup:.1f}x; same cleaned rows: {verdict}")
    small = Table(title="other loaders on the shipped data")
    for column in ("loader", "files", "rows", "seconds"):
        small.add_column(column, justify="right")
    for row in others:
        small.add_row(row["loader"], str(row["files"]), str(row["rows"]), f"{row['seconds']:.2f}")
    console.print(small)
    console.print(f"generation (not timed above): {generation_s:.1f} s")

    if args.json:
        main_path = ours or runs.get("stream") or {}

        def rounded(figures: dict | None, key: str, digits: int = 1) -> float | None:
            return round(figures[key], digits) if figures else None

        figures = {
            "rows": args.rows,
            "polars_s": rounded(ours, "seconds", 3),
            "pandas_s": rounded(theirs, "seconds", 3),
            "stream_s": rounded(runs.get("stream"), "seconds", 3),
            "speedup": round(theirs["seconds"] / ours["seconds"], 1) if ours and theirs else None,
            "same_clean_rows": same,
            "rows_per_s": round(args.rows / main_path["seconds"]) if main_path else None,
            "peak_rss_mb": rounded(ours, "peak_rss_mb"),
            "pandas_peak_rss_mb": rounded(theirs, "peak_rss_mb"),
            "stream_peak_rss_mb": rounded(runs.get("stream"), "peak_rss_mb"),
            "io_s": rounded(runs.get("io"), "seconds", 3),
            "minimal_s": rounded(runs.get("minimal"), "seconds", 3),
            "clean": main_path.get("clean"),
            "rejected": main_path.get("rejected"),
            "duplicates": main_path.get("duplicates"),
            "csv_mb": round(mb, 1),
            "other_loaders": others,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "polars": pl.__version__,
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
