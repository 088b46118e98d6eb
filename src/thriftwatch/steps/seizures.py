"""Step: the current seizure files -> clean events (linked across files), officials'
aggregates, quarantined rows, row accounting, and the monthly series."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from thriftwatch import catalog
from thriftwatch.config import Paths
from thriftwatch.errors import DataError
from thriftwatch.loaders.base import REJECTED_SCHEMA, Loaded
from thriftwatch.loaders.seizures import (
    detect_format,
    link_events,
    load_enforcement_aggregates,
    load_event_links,
    load_seizures,
)
from thriftwatch.parse import read_table
from thriftwatch.snapshots import required_files
from thriftwatch.steps.base import StepResult
from thriftwatch.trends import seizure_series


def load_file(path: Path, where: Paths) -> tuple[str, Loaded]:
    """One seizure file by its kind (`events`, `aggregates` or `links`), with its loader."""
    header = read_table(path, lambda cells: detect_format(cells) is not None).columns
    kind = detect_format(header)
    if kind == "links":
        return kind, load_event_links(path)
    if kind == "aggregates":
        return kind, load_enforcement_aggregates(path)
    return "events", load_seizures(path, where)


def run(where: Paths) -> StepResult:
    """Load every current seizure file by its kind and save the combined tables."""
    # Load inputs
    files = required_files(where.source_dir("seizures"))
    loaded = [(load_file(f, where), f) for f in files]

    # Process
    def of(kind: str) -> list[Loaded]:
        return [x for (k, x), _ in loaded if k == kind]

    links = pl.concat([x.clean for x in of("links")]) if of("links") else None
    events = pl.concat([x.clean for x in of("events")], how="vertical")
    events = link_events(events.drop("linked_event_id", "counts_in_totals"), links)
    if not events["event_id"].is_unique().all():
        twice = events.filter(pl.col("event_id").is_duplicated())["event_id"].unique().sort()
        raise DataError(
            where.source_dir("seizures"),
            f"an event_id occurs in two seizure files: {', '.join(map(str, twice.head(10)))}",
        )
    aggregates = pl.concat([x.clean for x in of("aggregates")]) if of("aggregates") else None
    rejected = pl.concat(
        [x.rejected.cast(REJECTED_SCHEMA) for (_, x), _ in loaded],  # type: ignore[arg-type]
        how="vertical",
    )
    accounting = pl.DataFrame(
        [
            {**{k: v for k, v in x.summary().items() if k in ("n_raw", "clean", "rejected",
                                                              "duplicates")},
             "file": f.name, "snapshot": f.parent.name, "kind": kind}
            for (kind, x), f in loaded
        ]
    )  # fmt: skip
    monthly = seizure_series(events, every="1mo", by="province_code")

    # Save outputs
    outputs = {
        catalog.save(events, "seizures_clean", where): events.height,
        catalog.save(rejected, "seizures_rejected", where): rejected.height,
        catalog.save(accounting, "seizures_files", where): accounting.height,
        catalog.save(monthly, "seizures_monthly", where): monthly.height,
    }
    if aggregates is not None:
        outputs[catalog.save(aggregates, "enforcement_aggregates", where)] = aggregates.height
    return StepResult(
        "seizures",
        inputs=files,
        outputs=outputs,
        details={"files": accounting.to_dicts()},
    )
