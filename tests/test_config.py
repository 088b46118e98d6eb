"""Every path comes from the environment, with the checkout as fallback."""

from __future__ import annotations

import pytest

from thriftwatch.config import PROJ_ROOT, Paths, ReferenceDataMissingError


def test_defaults_live_in_the_checkout():
    where = Paths.from_env({})
    assert where.raw == PROJ_ROOT / "data" / "raw"
    assert where.processed == PROJ_ROOT / "data" / "processed"
    assert where.reports == PROJ_ROOT / "reports"
    assert where.refdata == PROJ_ROOT / "data" / "raw" / "reference"
    assert where.manifest == where.processed / "manifest.json"


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
