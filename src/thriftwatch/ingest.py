"""Adding a delivered file to the raw data: checked by its loader, then copied into today's
snapshot folder of its source with a `.meta.yml`, never over an existing snapshot."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

from thriftwatch.config import SOURCES, Paths
from thriftwatch.errors import DataError
from thriftwatch.loaders.base import Loaded
from thriftwatch.snapshots import DATA_SUFFIXES, write_snapshot


def _loader(source: str, where: Paths, scratch: Path) -> Callable[[Path], Loaded]:
    from thriftwatch.loaders.customs import load_customs
    from thriftwatch.loaders.listings import load_listings
    from thriftwatch.loaders.takedowns import load_takedowns
    from thriftwatch.steps.seizures import load_file

    # the check's pseudonyms are thrown away: it must not touch the real private folder
    private = dataclasses.replace(where, private=scratch)
    return {
        "customs": load_customs,
        "seizures": lambda path: load_file(path, private)[1],  # events, aggregates or links
        "listings": lambda path: load_listings(path, private),
        "takedowns": lambda path: load_takedowns(path, private),
    }[source]


#: What the sidecar says of a producer or licence nobody named: no guess is recorded.
NOT_STATED = "not stated"


@dataclasses.dataclass(frozen=True)
class Ingested:
    """Where a file went and what its loader made of it."""

    target: Path
    loaded: Loaded


def ingest(
    path: Path,
    source: str,
    where: Paths,
    *,
    day: dt.date | None = None,
    origin: str | None = None,
    producer: str = NOT_STATED,
    licence: str = NOT_STATED,
) -> Ingested:
    """Copy `path` into `raw/<source>/<day>/` with its provenance (sha256, size, rows, date,
    origin, producer, licence), after its loader has read it: a file no loader can use is
    refused with the loader's `DataError`, and an existing snapshot file is never replaced.
    `producer` and `licence` are recorded as given, "not stated" when nobody said."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    if path.suffix.lower() not in DATA_SUFFIXES:
        raise DataError(path, f"not a data file; expected one of {', '.join(DATA_SUFFIXES)}")
    with tempfile.TemporaryDirectory(prefix="thriftwatch-ingest-") as scratch:
        loaded = _loader(source, where, Path(scratch))(path)
    meta = {
        "source": source,
        "origin": origin or str(path.resolve()),
        "producer": producer.strip() or NOT_STATED,
        "licence": licence.strip() or NOT_STATED,
        "rows": loaded.n_raw,
        "rows_clean": loaded.clean.height,
        "rows_rejected": loaded.rejected.height,
        "rows_duplicate": loaded.n_duplicates,
        "ingested_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    target = write_snapshot(
        where.source_dir(source), path.name, path.read_bytes(), meta, day or dt.date.today()
    )
    return Ingested(target, loaded)
