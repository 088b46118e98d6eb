"""Pipeline steps: customs -> trade -> seizures -> listings -> concentration -> trends ->
takedowns -> briefs.
Each module has a `run()` in three sections: load inputs, process (pure functions from the
library), save outputs."""

from thriftwatch.steps import (
    briefs,
    concentration,
    customs,
    listings,
    seizures,
    takedowns,
    trade,
    trends,
)
from thriftwatch.steps.base import StepResult

__all__ = [
    "StepResult",
    "briefs",
    "concentration",
    "customs",
    "listings",
    "seizures",
    "takedowns",
    "trade",
    "trends",
]
