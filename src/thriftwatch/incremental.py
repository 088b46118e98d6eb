"""Incremental runs: a data step is skipped when nothing it reads has changed.

A step's key is the SHA-256 of its name, the code version (every source and package-data
file of thriftwatch, so any code change reruns everything), its settings and the hashes of
the files it reads. After a step runs, its key and outputs (rows, sha256) are kept in
`processed/.steps/<step>.json`. A later run with the same key, whose outputs are all still
there with the recorded hashes, reuses them instead of running the step. Reading a step's
upstream *outputs* (not the upstream's inputs) as its inputs means a rerun upstream that
produces identical tables does not cascade. `thriftwatch run --force` ignores the records.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from thriftwatch.catalog import write_atomic
from thriftwatch.config import PACKAGE_DIR, Paths
from thriftwatch.snapshots import file_hash
from thriftwatch.steps import StepResult

#: Source and data files whose content defines the code version.
CODE_SUFFIXES = (".py", ".csv", ".html", ".css", ".j2", ".jinja", ".json")


@functools.cache
def code_version() -> str:
    """SHA-256 over thriftwatch's own source and package data (paths and contents)."""
    digest = hashlib.sha256()
    for file in sorted(PACKAGE_DIR.rglob("*")):
        if file.is_file() and file.suffix in CODE_SUFFIXES and "__pycache__" not in file.parts:
            digest.update(file.relative_to(PACKAGE_DIR).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def step_key(name: str, inputs: Iterable[Path], settings: dict[str, object] | None = None) -> str:
    """The key of one step: what it is, the code, its settings and what it reads (a missing
    input counts as such, so the step runs and reports it)."""
    document = {
        "step": name,
        "code": code_version(),
        "settings": settings or {},
        "inputs": [
            [p.name, file_hash(p) if p.is_file() else "missing"]
            for p in sorted(inputs, key=lambda p: str(p))
        ],
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()


def _record(where: Paths, name: str) -> Path:
    return where.processed / ".steps" / f"{name}.json"


def reusable(where: Paths, name: str, key: str) -> StepResult | None:
    """The recorded result of a step when its key matches and its outputs are intact."""
    record = _record(where, name)
    if not record.is_file():
        return None
    try:
        saved = json.loads(record.read_text())
    except json.JSONDecodeError:
        return None
    if saved.get("key") != key:
        return None
    outputs: dict[Path, int | None] = {}
    for relative, entry in saved["outputs"].items():
        path = where.processed / relative
        if not path.is_file() or file_hash(path) != entry["sha256"]:
            return None
        outputs[path] = entry["rows"]
    return StepResult(
        name,
        inputs=[Path(p) for p in saved["inputs"]],
        outputs=outputs,
        details={**saved["details"], "reused": True},
    )


def remember(where: Paths, key: str, result: StepResult) -> None:
    """Keep a step's key and outputs for the next run."""
    document = {
        "key": key,
        "inputs": [str(p) for p in result.inputs],
        "outputs": {
            str(path.relative_to(where.processed)): {"rows": rows, "sha256": file_hash(path)}
            for path, rows in result.outputs.items()
        },
        "details": result.details,
    }
    text = json.dumps(document, indent=2, default=str) + "\n"
    write_atomic(_record(where, result.name), text.encode())


def run_step(
    where: Paths,
    name: str,
    job: Callable[[], StepResult],
    inputs: Iterable[Path],
    settings: dict[str, object] | None = None,
    *,
    force: bool = False,
) -> StepResult:
    """Run `job`, or reuse its previous outputs when its key is unchanged (not with `force`)."""
    key = step_key(name, list(inputs), settings)
    if not force and (reused := reusable(where, name, key)) is not None:
        return reused
    result = job()
    if all(p.is_relative_to(where.processed) for p in result.outputs):
        remember(where, key, result)
    return result
