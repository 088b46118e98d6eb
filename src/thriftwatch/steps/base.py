"""What a step reports back to the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class StepResult:
    """Files a step read and wrote, with row counts of the tables it wrote."""

    name: str
    inputs: list[Path] = field(default_factory=list)
    outputs: dict[Path, int | None] = field(default_factory=dict)
    details: dict[str, object] = field(default_factory=dict)
