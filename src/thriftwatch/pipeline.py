"""The whole run: raw snapshots -> clean tables -> marts -> briefs, then the manifest.

`run()` first checks every raw and reference file against the sha256 of its `.meta.yml`
(`snapshots.verify`), then executes the steps in order, times each, and writes
`data/processed/manifest.json` (inputs with sha256 and provenance, outputs with row counts,
step timings, package versions) atomically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import polars as pl

from thriftwatch import __version__, catalog, incremental, staging, steps
from thriftwatch.catalog import write_atomic
from thriftwatch.changes import TRACKED, changes_table, fingerprint
from thriftwatch.config import REFERENCE_FILES, SOURCES, Paths
from thriftwatch.privacy import pseudonym_key
from thriftwatch.snapshots import Provenance, current_files, file_hash, verify_all
from thriftwatch.steps import StepResult
from thriftwatch.trade import CIF_FOB_FACTOR

#: Packages whose versions go into the manifest.
RECORDED_PACKAGES = (
    "polars",
    "pyarrow",
    "dataframely",
    "plotly",
    "geopandas",
    "shapely",
    "numpy",
    "scipy",
    "statsmodels",
    "esda",
    "libpysal",
    "inequality",
    "mapclassify",
    "rapidfuzz",
    "papermill",
    "nbconvert",
    "jupytext",
    "ipykernel",
    "typer",
    "rich",
)

#: Called as (step label, "start" | "done", result or None).
Listener = Callable[[str, str, StepResult | None], None]


@dataclass
class RunResult:
    """What a run did: its id, the step results in order, timings and the manifest path."""

    run_id: str
    results: list[StepResult] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    settings: dict[str, object] = field(default_factory=dict)
    manifest: Path | None = None


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that shape the results."""
    found = {}
    for name in RECORDED_PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def raw_inputs(where: Paths) -> list[Path]:
    """The current data files of every raw source (see `snapshots.current_files`)."""
    return [f for source in SOURCES for f in current_files(where.source_dir(source))]


def reference_inputs(where: Paths) -> list[Path]:
    """The reference files (`config.REFERENCE_FILES`) present under `where.refdata`; a missing
    one is reported by the step that needs it."""
    return [p for name in REFERENCE_FILES if (p := where.refdata / name).is_file()]


def verified_inputs(where: Paths) -> list[Provenance]:
    """Every raw and reference file a run reads, each checked against the sha256 of its
    `.meta.yml` (`snapshots.verify`): a file changed after its sidecar was written stops the
    run with a `DataError` naming it; a file without a sidecar is accepted and recorded so."""
    return verify_all([*raw_inputs(where), *reference_inputs(where)])


def make_run_id(inputs: Sequence[Path], now: dt.datetime) -> str:
    """`<UTC time>-<8 hex of the inputs' hashes>`: sortable, and equal inputs share a suffix."""
    digest = hashlib.sha256("".join(file_hash(p) for p in inputs).encode()).hexdigest()[:8]
    return f"{now.strftime('%Y%m%dT%H%M%SZ')}-{digest}"


def _relative(path: Path, where: Paths) -> str:
    for base in (where.processed, where.reports, where.raw, where.root):
        if path.is_relative_to(base):
            return str(Path(staging.public_name(base)) / path.relative_to(base))
    return str(path)


def _timed(
    label: str,
    job: Callable[[], StepResult],
    result: RunResult,
    listener: Listener | None,
) -> StepResult:
    if listener:
        listener(label, "start", None)
    start = time.perf_counter()
    step = job()
    result.seconds[label] = round(time.perf_counter() - start, 3)
    result.results.append(step)
    if listener:
        listener(label, "done", step)
    return step


def build_briefs(
    where: Paths,
    names: Sequence[str] | None,
    *,
    run_id: str,
    result: RunResult,
    listener: Listener | None = None,
    manifest_sha256: str | None = None,
    **edition: str | None,
) -> None:
    """Build the named briefs (all when None) into `where.reports`; `edition` may name a
    `region`, a `since` date and `plotlyjs` ("inline" or "cdn")."""
    for name in steps.briefs.select(names):
        job = partial(steps.briefs.run_one, where, name, run_id=run_id, version=__version__,
                      manifest_sha256=manifest_sha256, **edition)  # fmt: skip
        _timed(f"brief {name}", job, result, listener)


def _input_entry(checked: Provenance, where: Paths) -> dict[str, object]:
    """One input of the manifest: path, size, sha256, and where it came from (its sidecar's
    provenance fields and whether its sha256 matched)."""
    provenance: dict[str, object] = {
        "sidecar": _relative(checked.sidecar, where) if checked.sidecar else None,
        "sha256_matched": checked.matched,
    }
    if checked.matched is None:
        provenance["note"] = checked.note
    return {
        "path": _relative(checked.path, where),
        "bytes": checked.path.stat().st_size,
        "sha256": checked.sha256,
        "provenance": provenance | checked.fields,
    }


def manifest(
    where: Paths, result: RunResult, started: dt.datetime, inputs: Sequence[Provenance]
) -> dict:
    """The run manifest as a JSON-ready dict; `inputs` are the run's checked raw and
    reference files (`verified_inputs`)."""
    reference_files = set(reference_inputs(where))
    raw = [i for i in inputs if i.path not in reference_files]
    reference = [i for i in inputs if i.path in reference_files]
    outputs = {}
    for step in result.results:
        for path, rows in step.outputs.items():
            outputs[_relative(path, where)] = {
                "rows": rows,
                "bytes": path.stat().st_size,
                "sha256": file_hash(path),
                "step": step.name,
            }
    loaders = {s.name: s.details["files"] for s in result.results if "files" in s.details}
    return {
        "run_id": result.run_id,
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seconds_total": round(sum(result.seconds.values()), 3),
        "thriftwatch": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": package_versions(),
        "inputs": [_input_entry(i, where) for i in raw],
        "outputs": outputs,
        "steps": [{"name": k, "seconds": v} for k, v in result.seconds.items()],
        "settings": result.settings,
        "loaders": loaders,
        "reference": {
            "folder": str(where.refdata),
            "present": all((where.refdata / f).is_file() for f in REFERENCE_FILES),
            "files": [_input_entry(i, where) for i in reference],
        },
    }


class RunLockedError(RuntimeError):
    """Another run is writing the same outputs."""


@contextlib.contextmanager
def run_lock(where: Paths) -> Iterator[Path]:
    """Hold `processed/.run.lock` for the length of a run, so two runs never write the same
    outputs at once. The operating system drops the lock when the holder exits, even when it
    is killed, so a crashed run never blocks the next one."""
    lock = where.processed / ".run.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RunLockedError(
                f"another thriftwatch run is in progress ({holder}); wait for it to finish. "
                f"The lock is {lock} and is released when that process ends."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        try:
            yield lock
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run(
    where: Paths,
    briefs: Sequence[str] | None = None,
    *,
    cif_fob_factor: float = CIF_FOB_FACTOR,
    default_listings: int = steps.listings.DEFAULT_ROWS,
    listener: Listener | None = None,
    force: bool = False,
) -> RunResult:
    """Run every step on the newest raw snapshots, build the briefs, write the manifest;
    one run at a time (see `run_lock`), all or nothing (see `thriftwatch.staging`).

    `cif_fob_factor` raises partner FOB export values to Indonesia's CIF basis in the mirror
    gap (see `thriftwatch.trade.CIF_FOB_FACTOR`); `default_listings` is the size of the
    synthetic listings sample generated when no listings export is present. Every raw and
    reference file is first checked against its sidecar (`verified_inputs`). A data step whose
    inputs and code are unchanged reuses its previous outputs unless `force` (see
    `thriftwatch.incremental`); the briefs are always rebuilt."""
    with run_lock(where):
        staged = staging.begin(where)
        result = _run(
            staged,
            briefs,
            cif_fob_factor=cif_fob_factor,
            default_listings=default_listings,
            listener=listener,
            force=force,
        )
        staging.commit(staged, where)
    # the results name the files where they now are
    moved = partial(staging.final_path, staged=staged, where=where)
    for step in result.results:
        step.inputs = [moved(p) for p in step.inputs]
        step.outputs = {moved(p): rows for p, rows in step.outputs.items()}
    result.manifest = moved(result.manifest) if result.manifest else None
    return result


def _run(
    where: Paths,
    briefs: Sequence[str] | None = None,
    *,
    cif_fob_factor: float = CIF_FOB_FACTOR,
    default_listings: int = steps.listings.DEFAULT_ROWS,
    listener: Listener | None = None,
    force: bool = False,
) -> RunResult:
    started = dt.datetime.now(dt.UTC)
    previous = _fingerprints(where)
    previous_run = (
        json.loads(where.manifest.read_text()).get("run_id") if where.manifest.is_file() else None
    )
    # a changed raw file stops the run before any sample is generated or any step runs
    verified_inputs(where)
    start = time.perf_counter()
    generated = steps.listings.ensure_sample(where, default_listings)
    generation = round(time.perf_counter() - start, 3)
    checked = verified_inputs(where)  # again with the sample just generated (hashes cached)
    inputs = raw_inputs(where)
    result = RunResult(
        run_id=make_run_id(inputs, started), settings={"cif_fob_factor": cif_fob_factor}
    )
    if generated:
        result.settings["generated_synthetic_listings"] = generated
        result.seconds["synthetic listings"] = generation
    step = partial(_incremental, where, result, listener, force=force)
    refdata = [where.refdata / f for f in REFERENCE_FILES]
    produced = partial(_produced, result)
    step("customs", partial(steps.customs.run, where), current_files(where.source_dir("customs")))
    step(
        "trade",
        partial(steps.trade.run, where, cif_fob_factor=cif_fob_factor),
        produced("customs"),
        {"cif_fob_factor": cif_fob_factor},
    )
    step(
        "seizures",
        partial(steps.seizures.run, where),
        [*current_files(where.source_dir("seizures")), *refdata],
    )
    step(
        "listings",
        partial(steps.listings.run, where),
        [*current_files(where.source_dir("listings")), *refdata],
        {"pseudonym_key": _key_fingerprint(where)},
    )
    step(
        "concentration", partial(steps.concentration.run, where), [*produced("listings"), *refdata]
    )
    step(
        "trends",
        partial(steps.trends.run, where),
        [*produced("listings"), *produced("seizures"), *produced("trade")],
    )
    step(
        "takedowns",
        partial(steps.takedowns.run, where),
        [*current_files(where.source_dir("takedowns")), *produced("listings")],
        {"pseudonym_key": _key_fingerprint(where)},
    )
    _timed("changes", partial(_changes_step, where, previous, previous_run), result, listener)
    # The data manifest (everything but the briefs) is hashed into every brief's footer.
    data_manifest = manifest(where, result, started, checked)
    data_bytes = (json.dumps(data_manifest, indent=2, default=str) + "\n").encode()
    data_sha = hashlib.sha256(data_bytes).hexdigest()
    write_atomic(where.processed / "manifest.data.json", data_bytes)
    build_briefs(where, briefs, run_id=result.run_id, result=result, listener=listener,
                 manifest_sha256=data_sha)  # fmt: skip
    document = manifest(where, result, started, checked) | {"data_manifest_sha256": data_sha}
    result.manifest = write_atomic(
        where.manifest, (json.dumps(document, indent=2, default=str) + "\n").encode()
    )
    return result


def _incremental(
    where: Paths,
    result: RunResult,
    listener: Listener | None,
    name: str,
    job: Callable[[], StepResult],
    inputs: Sequence[Path],
    settings: dict[str, object] | None = None,
    *,
    force: bool,
) -> StepResult:
    """A data step, skipped when its inputs, settings and the code are unchanged."""
    wrapped = partial(incremental.run_step, where, name, job, inputs, settings, force=force)
    return _timed(name, wrapped, result, listener)


def _produced(result: RunResult, name: str) -> list[Path]:
    """The files a step of this run wrote (or reused)."""
    return [p for s in result.results if s.name == name for p in s.outputs]


def _key_fingerprint(where: Paths) -> str:
    """Which pseudonym key is in use, without revealing it: pseudonyms change with the key."""
    key = pseudonym_key(where)
    return hmac.new(key, b"thriftwatch step key", hashlib.sha256).hexdigest()[:16]


def _fingerprints(where: Paths) -> dict[str, pl.DataFrame]:
    """Fingerprints of the tracked tables as they are now (absent or unreadable tables, such
    as one damaged after a crash, are skipped: the run rebuilds them)."""
    found = {}
    for name, key in TRACKED.items():
        file = catalog.path(name, where)
        if file.is_file():
            try:
                found[name] = fingerprint(pl.read_parquet(file), key)
            except (pl.exceptions.PolarsError, OSError):
                continue
    return found


def _changes_step(
    where: Paths, before: dict[str, pl.DataFrame], previous_run: str | None
) -> StepResult:
    """Rows added, removed and changed per tracked table since the previous run."""
    changes = changes_table(before, _fingerprints(where), previous_run)
    return StepResult(
        "changes", outputs={catalog.save(changes, "run_changes", where): changes.height}
    )
