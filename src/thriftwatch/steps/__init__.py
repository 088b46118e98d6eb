"""Pipeline steps, in the order they run. Each module has a `run()` in three sections: load
inputs, process (pure functions from the library), save outputs."""

from thriftwatch.steps import briefs, customs, trade
from thriftwatch.steps.base import StepResult

#: (name, module) in run order; `briefs` comes last and reads what the others wrote.
DATA_STEPS = (("customs", customs), ("trade", trade))

__all__ = ["DATA_STEPS", "StepResult", "briefs", "customs", "trade"]
