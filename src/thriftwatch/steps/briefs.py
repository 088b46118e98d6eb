"""Step: processed data -> HTML briefs, each from a fresh headless run of its notebook."""

from __future__ import annotations

from collections.abc import Sequence

from thriftwatch.config import Paths
from thriftwatch.report import BRIEFS, build
from thriftwatch.steps.base import StepResult


def select(names: Sequence[str] | None) -> list[str]:
    """The briefs to build: all of them for None, else the named ones (none for an empty
    list; unknown names are an error)."""
    if names is None:
        return list(BRIEFS)
    unknown = sorted(set(names) - set(BRIEFS))
    if unknown:
        raise ValueError(f"unknown brief {', '.join(unknown)}; known: {', '.join(BRIEFS)}")
    return list(dict.fromkeys(names))


def run_one(
    where: Paths,
    name: str,
    *,
    run_id: str,
    version: str,
    manifest_sha256: str | None = None,
    **edition: str | None,
) -> StepResult:
    """Build one brief (or an edition: `region`, `since`, `plotlyjs`) and report the notebook
    it ran and the HTML it wrote."""
    brief = BRIEFS[name]
    built = build(
        brief, where, run_id=run_id, version=version, manifest_sha256=manifest_sha256,
        **{k: v for k, v in edition.items() if v is not None},
    )  # fmt: skip
    return StepResult(
        f"brief {name}",
        inputs=[where.notebooks / brief.notebook],
        outputs={built.html: None, built.executed: None},
        details={"bytes": built.bytes, "removed_stderr": built.removed_stderr},
    )
