"""Reference tables of Indonesian regions, read from the folder `THRIFTWATCH_REFDATA` names.

Kemendagri codes without the dot, always strings: `32` Jawa Barat, `3273` Kota Bandung.
Nothing here is committed; `config.Paths.reference_file` says how to provide missing files.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

from thriftwatch.config import Paths, paths

CODES_FILE = "idn_kode_wilayah_prov_kabkota_2025.csv"
PAPUA_FILE = "idn_kabkota_kode_2022_ke_2025.csv"
POPULATION_FILE = "idn_penduduk_luas_prov_kabkota_2024.csv"


@cache
def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def region_codes(where: Paths | None = None) -> pl.DataFrame:
    """The 38 provinces and 514 kab/kota: `kode`, `level` (provinsi/kabkota), `jenis`
    (Provinsi/Kabupaten/Kota), `nama`, `kode_prov`, `nama_prov`; checked on read."""
    table = _read((where or paths()).reference_file(CODES_FILE))
    counts = dict(table.group_by("level").len().iter_rows())
    assert counts == {"provinsi": 38, "kabkota": 514}, (
        f"{CODES_FILE}: expected 38 provinces and 514 kab/kota, got {counts}"
    )
    assert table["kode"].is_unique().all(), f"{CODES_FILE}: region codes are not unique"
    return table


def papua_renumbering(where: Paths | None = None) -> pl.DataFrame:
    """Old (2022) kab/kota codes of the Papua provinces split in 2022 -> their 2025 codes:
    `kode_lama`, `kode_baru`."""
    return _read((where or paths()).reference_file(PAPUA_FILE)).select("kode_lama", "kode_baru")


def population(where: Paths | None = None) -> pl.DataFrame:
    """Population and area 2024 per province and kab/kota: `kode`, `level`, `nama`,
    `penduduk_total`, `luas_km2`."""
    table = _read((where or paths()).reference_file(POPULATION_FILE))
    return table.select(
        "kode",
        "level",
        "nama",
        pl.col("penduduk_total").cast(pl.Int64),
        pl.col("luas_km2").cast(pl.Float64),
    )
