"""Raw snapshots: every source is a folder of dated copies, `raw/<source>/<YYYY-MM-DD>/`,
each file with its `<file>.meta.yml` provenance. A refresh adds a folder and never
overwrites one; the pipeline reads the newest, and checks each file against the sha256 its
sidecar records (`verify`)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from thriftwatch.config import newest_dated_folder
from thriftwatch.errors import DataError

#: File types a loader can read; `.meta.yml` and notes such as SOURCES.md are not data.
DATA_SUFFIXES = (".csv", ".xlsx", ".jsonl", ".parquet")


def _snapshot_date(folder: Path) -> dt.date | None:
    try:
        return dt.date.fromisoformat(folder.name)
    except ValueError:
        return None


def newest_snapshot(source_dir: Path) -> Path | None:
    """The most recent dated snapshot folder of a source, or None when it has none (the
    rule `config` applies to the reference snapshot)."""
    return newest_dated_folder(source_dir)


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


#: Sidecar fields that say where a file came from; the run manifest carries them per input.
PROVENANCE_FIELDS = (
    "producer",
    "source",
    "origin",
    "url",
    "source_kind",
    "licence",
    "date_accessed",
    "date_generated",
    "sha256",
)


def sidecar_path(path: Path) -> Path:
    """The provenance sidecar of a file: `<file>.meta.yml` beside it."""
    return path.with_name(f"{path.name}.meta.yml")


def read_sidecar(path: Path) -> dict[str, object] | None:
    """The fields of a file's `.meta.yml`, or None when it has none; an unreadable sidecar is
    a `DataError` naming it."""
    import yaml

    meta = sidecar_path(path)
    if not meta.is_file():
        return None
    try:
        document = yaml.safe_load(meta.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DataError(meta, f"unreadable provenance sidecar: {exc}") from None
    if not isinstance(document, dict):
        raise DataError(meta, "provenance sidecar is not a mapping of fields")
    return document


@dataclass(frozen=True)
class Provenance:
    """A file as a run reads it: its sha256 and what its sidecar says of its origin.

    `matched` is True when the sidecar's sha256 equals the file's, None when there is nothing
    to compare (no sidecar, or a sidecar recording no sha256); a mismatch never gets this far
    (`verify` raises)."""

    path: Path
    sha256: str
    sidecar: Path | None = None
    fields: dict[str, object] = field(default_factory=dict)
    matched: bool | None = None

    @property
    def note(self) -> str:
        """What the check found, in words."""
        if self.sidecar is None:
            return "no provenance sidecar"
        return "sha256 matches its sidecar" if self.matched else "sidecar records no sha256"


def verify(path: Path) -> Provenance:
    """Check a file against the sha256 in its `.meta.yml` (hashed once per process, see
    `file_hash`): a file changed after its sidecar was written is a `DataError` naming it,
    since snapshots are immutable. A file without a sidecar is accepted and says so."""
    actual = file_hash(path)
    meta = read_sidecar(path)
    if meta is None:
        return Provenance(path, actual)
    fields = {
        k: v if v is None or isinstance(v, str | int | float | bool) else str(v)
        for k, v in meta.items()
        if k in PROVENANCE_FIELDS
    }
    expected = meta.get("sha256")
    if expected is None:
        return Provenance(path, actual, sidecar_path(path), fields)
    if str(expected).strip().lower() != actual:
        raise DataError(
            path,
            f"sha256 differs from its {sidecar_path(path).name}: expected {expected}, actual "
            f"{actual}. Raw snapshots are immutable: add the changed file as a new dated "
            "snapshot (or with `thriftwatch ingest`) instead of editing this one",
        )
    return Provenance(path, actual, sidecar_path(path), fields, matched=True)


def verify_all(files: Iterable[Path]) -> list[Provenance]:
    """`verify` every file, in order; the first changed file stops with its `DataError`."""
    return [verify(f) for f in files]


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
