"""Pipeline steps: customs -> trade -> seizures -> listings -> briefs. Each module has a
`run()` in three sections: load inputs, process (pure functions from the library), save
outputs."""

from thriftwatch.steps import briefs, customs, listings, seizures, trade
from thriftwatch.steps.base import StepResult

__all__ = ["StepResult", "briefs", "customs", "listings", "seizures", "trade"]
