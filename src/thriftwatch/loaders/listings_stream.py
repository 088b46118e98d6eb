"""Listings files too large for memory, cleaned in chunks with bounded memory.

`stream_listings(csv, out)` gives the same clean rows as `load_listings` (same rules, same
pseudonyms, same row numbers) for a national scrape of tens of millions of rows:

1. the CSV is read in chunks of `chunk_rows` by Arrow's streaming reader (all text; a file
   with a row of the wrong width is read row by row by Python's `csv` instead, those rows
   quarantined as `load_listings` does);
2. each chunk is cleaned by `clean_listings` and written as a part file, with the narrow
   repost keys (`repost_keys`) beside its rows;
3. reposts and repeated listing ids are found across all chunks on those keys alone
   (tens of bytes per row), and the parts are streamed into one parquet file by polars'
   streaming engine (`sink_parquet`) without the reposts.

Exact repeats of a whole row are recognised within a chunk; across chunks they are caught as
reposts (same seller, title, price and date) or repeated listing ids, so they are declared
duplicates either way and `n_raw == clean + rejected + duplicates` still holds.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa

from thriftwatch.config import Paths
from thriftwatch.errors import DataError
from thriftwatch.loaders.base import ROW
from thriftwatch.loaders.listings import (
    _is_listing_header,
    clean_listings,
    group_reposts,
    repeated_ids,
    repost_keys,
)
from thriftwatch.parse import _tidy, arrow_batches, csv_layout, fitted_frames
from thriftwatch.privacy import write_private

CHUNK_ROWS = 250_000
#: Rows of repost keys held at once: the keys are split by hash into parts of about this size.
KEY_ROWS = 1_000_000
_KEYS = ["_g1", "_g2", "_seller", "_when", "_l1", "_l2"]


@dataclass
class Streamed:
    """What a streamed load wrote, and its row accounting."""

    clean: Path
    rejected: pl.DataFrame
    n_raw: int
    n_clean: int
    n_duplicates: int
    chunks: int
    #: the file read
    path: Path | None = None
    #: reposts and repeated listing ids dropped (part of `n_duplicates`)
    n_reposts: int = 0
    #: the personal data removed (as `Loaded.personal`), when asked for; a private file
    personal: Path | None = None

    def summary(self) -> dict[str, object]:
        """Row accounting of the file, as `Loaded.summary`."""
        return {
            "file": str(self.path) if self.path else None,
            "n_raw": self.n_raw,
            "clean": self.n_clean,
            "rejected": self.rejected.height,
            "duplicates": self.n_duplicates,
            "format": "csv",
            "reposts": self.n_reposts,
        }

    def __post_init__(self) -> None:
        total = self.n_clean + self.rejected.height + self.n_duplicates
        if total != self.n_raw:
            raise RuntimeError(f"row accounting broken: {self.n_raw} raw rows, {total} kept")


def _arrow_chunks(
    path: Path, delimiter: str, names: list[str], rows: int
) -> Iterator[pl.DataFrame]:
    """All-text frames of `rows` rows (the last one fewer) from Arrow's streaming reader."""
    pending: list[pa.RecordBatch] = []
    size = 0
    for batch in arrow_batches(path, delimiter, names):
        pending.append(batch)
        size += batch.num_rows
        while size >= rows:
            table = pa.Table.from_batches(pending)
            yield pl.from_arrow(table.slice(0, rows))  # type: ignore[misc]
            pending = table.slice(rows).to_batches()
            size -= rows
    if size:
        yield pl.from_arrow(pa.Table.from_batches(pending))  # type: ignore[misc]


def _python_chunks(
    path: Path, delimiter: str, names: list[str], rows: int
) -> Iterator[pl.DataFrame]:
    """Row by row, for files with rows of the wrong width (slow, but bounded)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        next(reader, None)
        yield from fitted_frames(reader, names, path, rows)


def _at_least_one(chunks: Iterator[pl.DataFrame], names: list[str]) -> Iterator[pl.DataFrame]:
    """The chunks, or one empty frame for a file with a header and no rows."""
    empty = True
    for chunk in chunks:
        empty = False
        yield chunk
    if empty:
        yield pl.DataFrame(schema=dict.fromkeys(names, pl.String))


def _duplicates(scan: pl.LazyFrame, partitions: int) -> pl.DataFrame:
    """Rows (`source_row`) that repost an earlier row or repeat its listing id, over all
    chunks. A group, and a listing id, hash to one partition, so each partition is judged
    alone and only one is in memory at a time."""
    found = []
    for i in range(partitions):
        groups = (
            scan.filter(pl.col("_g1") % partitions == i)
            .select(ROW, "_g1", "_g2", "_seller", "_when")
            .collect()
            .sort(ROW)
        )
        found.append(groups.filter(group_reposts(groups)).select(ROW))
        ids = (
            scan.filter(pl.col("_l1").is_not_null() & (pl.col("_l1") % partitions == i))
            .select(ROW, "_l1", "_l2")
            .collect()
            .sort(ROW)
        )
        found.append(ids.filter(repeated_ids(ids)).select(ROW))
    return pl.concat(found).unique()


def stream_listings(
    path: str | Path,
    out: str | Path,
    where: Paths | None = None,
    *,
    chunk_rows: int = CHUNK_ROWS,
    key_rows: int = KEY_ROWS,
    personal: str | Path | None = None,
) -> Streamed:
    """Clean a listings CSV of any size into the parquet file `out` (see the module
    docstring); the quarantined rows are returned (they are few). Memory grows with
    `chunk_rows` and `key_rows`, not with the file.

    With `personal`, the personal data removed (`Loaded.personal`: handles, profile and
    listing URLs) is written there, readable by its owner only: a file for the private
    folder, from which `privacy.save_seller_map` builds the seller map."""
    path, out = Path(path), Path(out)
    private = Path(personal) if personal is not None else None
    if path.suffix.lower() != ".csv":
        raise DataError(path, "streaming reads CSV files; load other formats with load_listings")
    delimiter, names, skip = csv_layout(path, _is_listing_header)
    if skip:
        raise DataError(path, f"{skip} line(s) above the header: load it with load_listings")
    parts = out.with_name(f".{out.name}.parts")
    private_parts = private.with_name(f".{private.name}.parts") if private else None

    def load(chunks: Iterator[pl.DataFrame]) -> tuple[list[pl.DataFrame], int, int, int]:
        """Clean every chunk into a part file; quarantined rows, raw rows, duplicates, parts."""
        for folder in (parts, private_parts):
            if folder:
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True, mode=0o700)
        rejected, n_raw, n_dup, n = [], 0, 0, 0
        for n, raw in enumerate(_at_least_one(chunks, names), start=1):
            loaded = clean_listings(_tidy(raw), path, where, first_row=n_raw + 1, reposts=False)
            keys = repost_keys(loaded.clean).drop(ROW)
            pl.concat([loaded.clean, keys], how="horizontal").write_parquet(
                parts / f"part-{n:05d}.parquet"
            )
            if private_parts and loaded.personal is not None:
                loaded.personal.write_parquet(private_parts / f"part-{n:05d}.parquet")
            rejected.append(loaded.rejected)
            n_raw += loaded.n_raw
            n_dup += loaded.n_duplicates
        return rejected, n_raw, n_dup, n

    try:
        # One pass in the usual case; Arrow stops at a row of the wrong width, and then the
        # file is read again row by row (those rows quarantined).
        try:
            rejected, n_raw, n_dup, n = load(_arrow_chunks(path, delimiter, names, chunk_rows))
        except (pa.ArrowInvalid, UnicodeDecodeError):
            rejected, n_raw, n_dup, n = load(_python_chunks(path, delimiter, names, chunk_rows))
        scan = pl.scan_parquet(parts / "*.parquet")
        drop = _duplicates(scan, partitions=max(1, n_raw // key_rows))
        target = out.with_name(f".{out.name}.tmp")
        kept = scan.join(drop.lazy(), on=ROW, how="anti", maintain_order="left")
        kept.drop(_KEYS).sink_parquet(target)  # in file order, as load_listings
        target.replace(out)  # whole or not at all
        if private and private_parts:
            found = sorted(private_parts.glob("*.parquet"))
            if found:
                write_private(pl.scan_parquet(found), private)
            else:  # no seller column: nothing personal
                private = None
    finally:
        shutil.rmtree(parts, ignore_errors=True)
        if private_parts:
            shutil.rmtree(private_parts, ignore_errors=True)
    clean_rows = pl.scan_parquet(out).select(pl.len()).collect().item()
    return Streamed(
        clean=out,
        rejected=pl.concat(rejected, how="vertical"),
        n_raw=n_raw,
        n_clean=clean_rows,
        n_duplicates=n_dup + drop.height,
        chunks=n,
        path=path,
        n_reposts=drop.height,
        personal=private,
    )
