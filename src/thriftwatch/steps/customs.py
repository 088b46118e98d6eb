"""Step: the current customs files -> the clean trade table, its quarantine and the row
accounting of every file."""

from __future__ import annotations

import polars as pl

from thriftwatch import catalog
from thriftwatch.config import Paths
from thriftwatch.loaders import load_customs
from thriftwatch.loaders.base import REJECTED_SCHEMA
from thriftwatch.snapshots import required_files
from thriftwatch.steps.base import StepResult


def run(where: Paths) -> StepResult:
    """Load every current customs file (see `current_files`) and save the combined tables."""
    # Load inputs
    files = required_files(where.source_dir("customs"))
    loaded = [load_customs(f) for f in files]

    # Process
    clean = pl.concat([x.clean for x in loaded], how="vertical")
    rejected = pl.concat([x.rejected for x in loaded], how="vertical").cast(
        REJECTED_SCHEMA  # type: ignore[arg-type]
    )
    accounting = pl.DataFrame(
        [
            {**x.summary(), "file": x.path.name, "snapshot": x.path.parent.name}
            for x in loaded
            if x.path
        ]
    )
    n_raw, n_dup = sum(x.n_raw for x in loaded), sum(x.n_duplicates for x in loaded)
    assert (kept := clean.height + rejected.height + n_dup) == n_raw, (
        f"customs rows not conserved: {n_raw} raw, {kept} clean + rejected + duplicates"
    )
    assert clean.height > 0, f"no clean trade rows in {len(files)} customs files"

    # Save outputs
    outputs = {
        catalog.save(clean, "customs_clean", where): clean.height,
        catalog.save(rejected, "customs_rejected", where): rejected.height,
        catalog.save(accounting, "customs_files", where): accounting.height,
    }
    return StepResult(
        "customs",
        inputs=files,
        outputs=outputs,
        details={"files": accounting.to_dicts()},
    )
