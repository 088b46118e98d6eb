"""Shared fixtures: the shipped raw data, and a full pipeline run into a temporary folder."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from thriftwatch import pipeline
from thriftwatch.config import PROJ_ROOT, REFERENCE_FILES, Paths
from thriftwatch.snapshots import newest_snapshot

RAW = PROJ_ROOT / "data" / "raw"
#: Real third-party marketplace scrapes (licence unknown): read in place from the shared folder
#: beside the checkout (or THRIFTWATCH_LISTINGS_SAMPLES), never committed.
LISTINGS_SAMPLES = Path(
    os.environ.get("THRIFTWATCH_LISTINGS_SAMPLES")
    or PROJ_ROOT.parent / "shared" / "data" / "listings-samples"
)
#: Copying data/raw for a test takes the shipped data only: not the reference snapshot (the
#: paths keep reading the shipped one), nor the synthetic sample (or its half-made leftovers)
#: a `make run` in this checkout generated.
SHIPPED_ONLY = shutil.ignore_patterns("reference", "synthetic_*", ".partial-*")


def sample_files(pattern: str = "*") -> list[Path]:
    """The real marketplace samples matching `pattern` (CSV and XLSX), possibly none."""
    return sorted(
        p for p in LISTINGS_SAMPLES.glob(pattern) if p.suffix in (".csv", ".xlsx") and p.is_file()
    )


def listings_samples(pattern: str = "*") -> list[Path]:
    """`sample_files`, required. They are third-party files outside the repository: where
    they are absent a test needing them skips, saying why, except in CI (`CI` set), where the
    shared folder is always beside the clone and a missing sample is a failure."""
    found = sample_files(pattern)
    if not found:
        message = (
            f"the real listings samples are not in {LISTINGS_SAMPLES} (third-party scrapes, "
            "never committed: put the shared folder beside the checkout or set "
            "THRIFTWATCH_LISTINGS_SAMPLES)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def customs_snapshot() -> Path:
    """The shipped customs snapshot (the compiled trade facts)."""
    folder = newest_snapshot(RAW / "customs")
    assert folder is not None, f"no customs snapshot under {RAW / 'customs'}"
    return folder


def isolated_paths(base: Path, raw: Path = RAW) -> Paths:
    """Paths that read `raw` and the environment's reference data, and write under `base`."""
    return dataclasses.replace(
        Paths.from_env(),
        raw=raw,
        processed=base / "processed",
        reports=base / "reports",
        private=base / "private",
    )


@pytest.fixture(scope="session")
def refdata() -> Paths:
    """Paths whose reference folder holds the real reference files: the snapshot the
    repository ships, or the folder THRIFTWATCH_REFDATA names. Never skipped: the reference
    data is part of the checkout, so a missing file is a failure."""
    where = Paths.from_env()
    missing = [f for f in REFERENCE_FILES if not (where.refdata / f).is_file()]
    if missing:
        pytest.fail(f"reference data missing from {where.refdata}: {', '.join(missing)}")
    return where


def cli_env(raw: Path, base: Path) -> dict[str, str]:
    """Environment for a `thriftwatch` command that reads `raw` and writes under `base`."""
    return {
        "THRIFTWATCH_RAW_DIR": str(raw),
        "THRIFTWATCH_PROCESSED_DIR": str(base / "processed"),
        "THRIFTWATCH_REPORTS_DIR": str(base / "reports"),
        "THRIFTWATCH_PRIVATE_DIR": str(base / "private"),
    }


#: Size of the synthetic listings sample the test runs generate (the default is larger).
TEST_LISTINGS = 20_000


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, pipeline.RunResult]:
    """One whole pipeline run on a copy of the shipped data (the synthetic listings sample is
    generated into the copy), outputs in a temporary folder."""
    base = tmp_path_factory.mktemp("run")
    shutil.copytree(RAW, base / "raw", ignore=SHIPPED_ONLY)
    where = isolated_paths(base, raw=base / "raw")
    return where, pipeline.run(where, default_listings=TEST_LISTINGS)


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped raw folder (the original is immutable)."""
    target = tmp_path / "raw"
    shutil.copytree(RAW, target, ignore=SHIPPED_ONLY)
    return target
