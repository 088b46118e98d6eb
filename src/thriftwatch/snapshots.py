"""Raw snapshots: every source is a folder of dated copies, `raw/<source>/<YYYY-MM-DD>/`,
each file with its `<file>.meta.yml` provenance. A refresh adds a folder and never
overwrites one; the pipeline reads the newest."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from pathlib import Path

#: File types a loader can read; `.meta.yml` and notes such as SOURCES.md are not data.
DATA_SUFFIXES = (".csv", ".xlsx", ".jsonl", ".parquet")


def _snapshot_date(folder: Path) -> dt.date | None:
    try:
        return dt.date.fromisoformat(folder.name)
    except ValueError:
        return None


def newest_snapshot(source_dir: Path) -> Path | None:
    """The most recent dated snapshot folder of a source, or None when it has none."""
    if not source_dir.is_dir():
        return None
    dated = [(d, f) for f in source_dir.iterdir() if f.is_dir() and (d := _snapshot_date(f))]
    return max(dated)[1] if dated else None


def data_files(snapshot: Path) -> list[Path]:
    """The data files of a snapshot folder, sorted by name (a synthetic sample's
    `.truth.parquet` sidecar is not data)."""
    return sorted(
        f
        for f in snapshot.iterdir()
        if f.is_file() and f.suffix.lower() in DATA_SUFFIXES and ".truth." not in f.name
    )


def current_files(source_dir: Path) -> list[Path]:
    """The data files a run reads for a source: every file name found in its dated snapshots,
    each in its newest version. A refresh that re-delivers a file supersedes the older copy;
    a new file (another year, another extract) is read beside the others."""
    if not source_dir.is_dir():
        return []
    snapshots = sorted(
        (d, f) for f in source_dir.iterdir() if f.is_dir() and (d := _snapshot_date(f))
    )
    newest: dict[str, Path] = {}
    for _, folder in snapshots:
        for file in data_files(folder):
            newest[file.name] = file
    return sorted(newest.values(), key=lambda f: f.name)


def required_files(source_dir: Path) -> list[Path]:
    """`current_files`, or a `FileNotFoundError` saying where the data was expected."""
    files = current_files(source_dir)
    if not files:
        raise FileNotFoundError(
            f"no {source_dir.name} data under {source_dir}: expected dated snapshot folders "
            f"{source_dir.name}/<YYYY-MM-DD>/ holding its tables"
        )
    return files


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.cache
def _cached_sha256(path: Path, inode: int, size: int, mtime_ns: int) -> str:
    return sha256(path)


def file_hash(path: Path) -> str:
    """`sha256`, computed once per process for an unchanged file (an atomic rewrite is a new
    inode, so it is hashed again): a run hashes the same inputs and outputs several times."""
    stat = path.stat()
    return _cached_sha256(path, stat.st_ino, stat.st_size, stat.st_mtime_ns)


class SnapshotExistsError(FileExistsError):
    """A snapshot file is never overwritten: a refresh adds a new dated folder."""


def write_snapshot(
    source_dir: Path, name: str, data: bytes, meta: dict[str, object], day: dt.date
) -> Path:
    """Write `data` as `<source_dir>/<day>/<name>` with its `<name>.meta.yml` (sha256, bytes
    and `meta`); refuse to replace a file that is already there."""
    import yaml

    from thriftwatch.catalog import write_atomic

    target = source_dir / day.isoformat() / name
    if target.exists():
        raise SnapshotExistsError(f"{target} already exists; snapshots are never overwritten")
    provenance = {
        "file": name,
        **meta,
        "date_accessed": day.isoformat(),
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
    }
    write_atomic(target, data)
    text = yaml.safe_dump(provenance, sort_keys=False, allow_unicode=True, width=100)
    write_atomic(target.with_name(f"{name}.meta.yml"), text.encode())
    return target
