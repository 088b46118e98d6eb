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
    from thriftwatch.errors import DataError

    table = _read((where or paths()).reference_file(CODES_FILE))
    counts = dict(table.group_by("level").len().iter_rows())
    if counts != {"provinsi": 38, "kabkota": 514}:
        raise DataError(CODES_FILE, f"expected 38 provinces and 514 kab/kota, got {counts}")
    if not table["kode"].is_unique().all():
        raise DataError(CODES_FILE, "region codes are not unique")
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


# ---------------------------------------------------------------------------------------------
# Fetching


class FetchReferenceError(RuntimeError):
    """The reference files could not be fetched or did not match their checksums."""


def checksums() -> pl.DataFrame:
    """The expected `sha256` and `bytes` of every reference file (package data)."""
    from thriftwatch.config import PACKAGE_DATA_DIR

    return pl.read_csv(PACKAGE_DATA_DIR / "reference_checksums.csv", infer_schema=False)


def _get(source: str, name: str, timeout: float) -> bytes:
    """One file from a base URL (http, https, file) or a local folder."""
    import urllib.error
    import urllib.request

    if "://" not in source:
        return (Path(source) / name).read_bytes()
    url = source.rstrip("/") + "/" + name
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise FetchReferenceError(f"could not fetch {name} from {source}: {exc}") from exc


def fetch_reference(source: str, target: Path, *, timeout: float = 60.0) -> list[Path]:
    """Copy the reference files from `source` (a mirror's base URL or a folder holding them)
    into `target`, each checked against its recorded SHA-256 before it is written; nothing is
    written unless every file matches."""
    import hashlib

    from thriftwatch.catalog import write_atomic

    expected = checksums()
    fetched: dict[str, bytes] = {}
    for name, digest, size in expected.iter_rows():
        try:
            data = _get(source, name, timeout)
        except FileNotFoundError as exc:
            raise FetchReferenceError(f"{name} not found in {source}") from exc
        actual = hashlib.sha256(data).hexdigest()
        if actual != digest:
            raise FetchReferenceError(
                f"{name} from {source} does not match its checksum: expected sha256 "
                f"{digest} ({size} bytes), got {actual} ({len(data)} bytes)"
            )
        fetched[name] = data
    return [write_atomic(target / name, data) for name, data in fetched.items()]


#: What each reference file is cited as when its `.meta.yml` gives no `citation`.
BOUNDARIES_FILE = "idn_kabkota_514_2025.geojson"


def citation(name: str, where: Paths | None = None) -> str:
    """How a brief cites a reference file: the `citation` of its `.meta.yml` (the shipped
    snapshot's: producer, period and licence), else the file's name, so a replaced file is
    never cited as the shipped one."""
    import yaml

    path = (where or paths()).refdata / f"{name}.meta.yml"
    meta = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    return str((meta or {}).get("citation") or name)
