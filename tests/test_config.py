"""Every path comes from the environment, with the checkout as fallback."""

from __future__ import annotations

import datetime as dt

import pytest

from thriftwatch.config import PROJ_ROOT, REFERENCE_FILES, Paths, ReferenceDataMissingError


def test_defaults_live_in_the_checkout():
    where = Paths.from_env({})
    assert where.raw == PROJ_ROOT / "data" / "raw"
    assert where.processed == PROJ_ROOT / "data" / "processed"
    assert where.reports == PROJ_ROOT / "reports"
    assert where.refdata.parent == PROJ_ROOT / "data" / "raw" / "reference"
    assert where.manifest == where.processed / "manifest.json"


def test_the_shipped_reference_snapshot_is_read_by_default_and_complete(tmp_path):
    """The repository carries the reference data: a clone anywhere runs without a shared folder.
    A newer dated snapshot supersedes it; a raw folder elsewhere falls back to the shipped one."""
    shipped = Paths.from_env({}).refdata
    assert dt.date.fromisoformat(shipped.name)
    for name in REFERENCE_FILES:
        assert (shipped / name).is_file(), name
        assert (shipped / f"{name}.meta.yml").is_file(), name
    assert "MIT License" in (shipped / "LICENSE").read_text()
    assert "Cahya DSN" in (shipped / "LICENSE").read_text()
    assert (shipped / "SOURCES.md").is_file()
    elsewhere = Paths.from_env({"THRIFTWATCH_RAW_DIR": str(tmp_path / "raw")})
    assert elsewhere.refdata == shipped
    (tmp_path / "raw" / "reference" / "2030-01-01").mkdir(parents=True)
    newer = Paths.from_env({"THRIFTWATCH_RAW_DIR": str(tmp_path / "raw")})
    assert newer.refdata == tmp_path / "raw" / "reference" / "2030-01-01"


def test_shipped_reference_files_match_their_sidecars_and_the_fetch_checksums():
    import yaml

    from thriftwatch.reference import checksums
    from thriftwatch.snapshots import sha256

    shipped = Paths.from_env({}).refdata
    expected = dict(checksums().select("file", "sha256").iter_rows())
    for name in REFERENCE_FILES:
        meta = yaml.safe_load((shipped / f"{name}.meta.yml").read_text())
        assert sha256(shipped / name) == meta["sha256"] == expected[name], name


def test_environment_overrides_every_folder(tmp_path):
    where = Paths.from_env(
        {
            "THRIFTWATCH_DATA_DIR": str(tmp_path / "d"),
            "THRIFTWATCH_REPORTS_DIR": str(tmp_path / "r"),
            "THRIFTWATCH_REFDATA": str(tmp_path / "ref"),
        }
    )
    assert where.raw == tmp_path / "d" / "raw"
    assert where.processed == tmp_path / "d" / "processed"
    assert where.reports == tmp_path / "r"
    assert where.refdata == tmp_path / "ref"
    assert where.source_dir("customs") == tmp_path / "d" / "raw" / "customs"


def test_missing_reference_data_says_how_to_provide_it(tmp_path):
    where = Paths.from_env({"THRIFTWATCH_REFDATA": str(tmp_path)})
    with pytest.raises(ReferenceDataMissingError) as info:
        where.reference_file("idn_kode_wilayah_prov_kabkota_2025.csv")
    message = str(info.value)
    assert "THRIFTWATCH_REFDATA" in message and str(tmp_path) in message
    (tmp_path / "idn_kode_wilayah_prov_kabkota_2025.csv").write_text("kode,nama\n")
    assert where.reference_file("idn_kode_wilayah_prov_kabkota_2025.csv").is_file()


def test_unknown_source_is_an_error():
    with pytest.raises(ValueError, match="unknown source"):
        Paths.from_env({}).source_dir("weather")


def test_reference_files_are_cited_from_their_sidecars_or_by_name(tmp_path):
    """A brief cites the shipped population file as its sidecar says, and a replacement
    without one by its file name, never as the shipped data."""
    from thriftwatch.reference import POPULATION_FILE, citation

    assert "Dukcapil" in citation(POPULATION_FILE)
    other = Paths.from_env({"THRIFTWATCH_REFDATA": str(tmp_path)})
    assert citation(POPULATION_FILE, other) == POPULATION_FILE
