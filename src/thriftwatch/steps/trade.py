"""Step: the clean trade table -> preferred figures and the mirror gap."""

from __future__ import annotations

from thriftwatch import catalog
from thriftwatch.config import Paths
from thriftwatch.errors import DataError
from thriftwatch.steps.base import StepResult
from thriftwatch.trade import CIF_FOB_FACTOR, mirror_gap, preferred_figures


def run(where: Paths, *, cif_fob_factor: float = CIF_FOB_FACTOR) -> StepResult:
    """Build the trade marts the mirror-gap brief reads."""
    # Load inputs
    customs = catalog.load("customs_clean", where)

    # Process
    figures = preferred_figures(customs)
    gap = mirror_gap(customs, cif_fob_factor=cif_fob_factor)
    if gap.filter(gap["coverage_kg"] == "both").height == 0:
        raise DataError(
            where.source_dir("customs"),
            "mirror gap has no partner-year with both a partner-reported and a BPS weight",
        )

    # Save outputs
    outputs = {
        catalog.save(figures, "trade_figures", where): figures.height,
        catalog.save(gap, "mirror_gap", where): gap.height,
    }
    return StepResult(
        "trade",
        inputs=[catalog.path("customs_clean", where)],
        outputs=outputs,
        details={"cif_fob_factor": cif_fob_factor},
    )
