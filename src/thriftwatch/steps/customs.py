"""Step: the current customs files -> the clean trade table, its quarantine and the row
accounting of every file."""

from __future__ import annotations

from thriftwatch import catalog
from thriftwatch.config import Paths
from thriftwatch.errors import DataError
from thriftwatch.loaders import load_customs
from thriftwatch.snapshots import required_files
from thriftwatch.steps.base import StepResult, combine


def run(where: Paths) -> StepResult:
    """Load every current customs file (see `current_files`) and save the combined tables."""
    # Load inputs
    files = required_files(where.source_dir("customs"))
    loaded = [load_customs(f) for f in files]

    # Process
    clean, rejected, accounting = combine("customs", loaded)
    if clean.height == 0:
        raise DataError(where.source_dir("customs"), f"no clean trade rows in {len(files)} files")

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
