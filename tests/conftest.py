"""Shared fixtures: the shipped raw data, and a full pipeline run into a temporary folder."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from thriftwatch import pipeline
from thriftwatch.config import PROJ_ROOT, Paths
from thriftwatch.snapshots import newest_snapshot

RAW = PROJ_ROOT / "data" / "raw"
#: Real third-party marketplace scrapes, read in place, never committed.
LISTINGS_SAMPLES = PROJ_ROOT.parent / "shared" / "data" / "listings-samples"
#: Copying data/raw for a test takes the shipped data only: not the reference files, nor the
#: synthetic sample (or its half-made leftovers) a `make run` in this checkout generated.
SHIPPED_ONLY = shutil.ignore_patterns("reference", "synthetic_*", ".partial-*")


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
    """Paths whose reference folder holds the real reference files (THRIFTWATCH_REFDATA).

    Missing reference data fails the test in CI and skips it elsewhere, saying why."""
    where = Paths.from_env()
    if not (where.refdata / "idn_kode_wilayah_prov_kabkota_2025.csv").is_file():
        message = f"reference data not found in {where.refdata}: set THRIFTWATCH_REFDATA"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return where


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
