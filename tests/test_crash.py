"""A run killed (SIGKILL) at several moments leaves readable outputs and the previous manifest,
and the next run completes with the same outputs as a run that was never interrupted."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from conftest import RAW, SHIPPED_ONLY

from thriftwatch.privacy import KEY_ENV
from thriftwatch.snapshots import current_files, sha256

ROWS = "20000"
#: Outputs that legitimately differ between runs: the change log names the previous run,
#: and the executed notebook and brief carry the run id and time.
RUN_SPECIFIC = ("processed/marts/run_changes.parquet", "reports/", "processed/notebooks/")


def _env(base: Path) -> dict[str, str]:
    return {
        **os.environ,
        "THRIFTWATCH_RAW_DIR": str(base / "raw"),
        "THRIFTWATCH_PROCESSED_DIR": str(base / "processed"),
        "THRIFTWATCH_REPORTS_DIR": str(base / "reports"),
        "THRIFTWATCH_PRIVATE_DIR": str(base / "private"),
        KEY_ENV: "crash-test-key",  # the same pseudonyms in both folders
    }


def _command() -> list[str]:
    return [sys.executable, "-m", "thriftwatch", "run", "--synthetic-rows", ROWS,
            "--brief", "mirror-gap"]  # fmt: skip


def _workspace(base: Path) -> Path:
    shutil.copytree(RAW, base / "raw", ignore=SHIPPED_ONLY)
    return base


def _complete(base: Path) -> None:
    done = subprocess.run(_command(), env=_env(base), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def _killed_when(base: Path, moment: Callable[[], bool], limit: float = 120) -> None:
    """Start a run and SIGKILL it as soon as `moment()` holds."""
    proc = subprocess.Popen(
        _command(), env=_env(base), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    start = time.monotonic()
    try:
        while not moment():
            assert proc.poll() is None, "the run ended before the moment to kill it"
            assert time.monotonic() - start < limit, "the moment to kill never came"
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL


def _outputs(base: Path) -> dict[str, str]:
    manifest = json.loads((base / "processed" / "manifest.json").read_text())
    return {path: entry["sha256"] for path, entry in manifest["outputs"].items()}


def _consistent(base: Path) -> None:
    """Every table on disk is whole, and no partial raw file is visible to a run."""
    for table in (base / "processed").rglob("*.parquet"):
        pl.read_parquet(table)  # raises on a truncated file
    for file in current_files(base / "raw" / "listings"):
        pl.read_parquet(file)


@pytest.mark.usefixtures("refdata")
def test_a_killed_run_leaves_consistent_outputs_and_the_next_run_completes(tmp_path):
    reference = _workspace(tmp_path / "reference")
    _complete(reference)

    crashed = _workspace(tmp_path / "crashed")
    processed = crashed / "processed"
    stage = crashed / ".processed.stage"  # where a run writes until it commits
    listings = crashed / "raw" / "listings"
    # 1. while the synthetic listings sample is being generated
    _killed_when(crashed, lambda: any(listings.glob(".partial-*/*.parquet")))
    _consistent(crashed)
    # 2. just after the first table is written: nothing reaches processed/
    _killed_when(crashed, lambda: (stage / "clean" / "customs.parquet").is_file())
    _consistent(crashed)
    assert not (processed / "clean" / "customs.parquet").exists()
    assert not (processed / "manifest.json").exists()
    # 3. a complete run, then one killed while it builds the brief: the previous outputs and
    #    manifest are untouched, byte for byte
    _complete(crashed)
    manifest = (processed / "manifest.json").read_bytes()
    previous = _outputs(crashed)
    _killed_when(crashed, lambda: (stage / "manifest.data.json").is_file())
    _consistent(crashed)
    assert (processed / "manifest.json").read_bytes() == manifest
    assert {path: sha256(crashed / path) for path in previous} == previous
    # 4. the next run completes, with the outputs of a run never interrupted
    _complete(crashed)
    _consistent(crashed)
    expected, got = _outputs(reference), _outputs(crashed)
    assert set(got) == set(expected)
    differing = [p for p in expected if got[p] != expected[p] and not p.startswith(RUN_SPECIFIC)]
    assert differing == []
    # and the manifest describes the files that are there
    assert {path: sha256(crashed / path) for path in got} == got
    assert [f.name for f in current_files(listings)] == [
        f"synthetic_listings_seed20230315_{ROWS}.parquet"
    ]


def test_a_commit_cut_short_is_rolled_forward_by_the_next_run(tmp_path):
    """A kill between the renames of a commit: the journal finishes it before anything else."""
    from conftest import isolated_paths

    from thriftwatch import staging

    where = isolated_paths(tmp_path)
    (where.processed / "clean").mkdir(parents=True)
    (where.processed / "clean" / "a.parquet").write_bytes(b"old a")
    (where.processed / "manifest.json").write_text("old manifest")
    staged = staging.begin(where)
    (staged.processed / "clean" / "b.parquet").write_bytes(b"new b")
    (staged.processed / "clean" / "a.parquet").unlink()
    (staged.processed / "clean" / "a.parquet").write_bytes(b"new a")
    (staged.processed / "manifest.json").unlink()
    (staged.processed / "manifest.json").write_text("new manifest")
    assert (where.processed / "clean" / "a.parquet").read_bytes() == b"old a"  # not linked through
    # the commit's journal is written and one rename done, then the process dies
    moves = [
        (str(staged.processed / "clean" / n), str(where.processed / "clean" / n))
        for n in ("a.parquet", "b.parquet")
    ] + [(str(staged.processed / "manifest.json"), str(where.manifest))]
    staging.journal(where).write_text(json.dumps({"moves": moves}))
    os.replace(*moves[0])
    # the next run starts by recovering
    staging.begin(where)
    assert (where.processed / "clean" / "a.parquet").read_bytes() == b"new a"
    assert (where.processed / "clean" / "b.parquet").read_bytes() == b"new b"
    assert where.manifest.read_text() == "new manifest"
    assert not staging.journal(where).exists()
