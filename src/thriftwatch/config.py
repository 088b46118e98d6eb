"""Every path the project uses, in one place.

No other module builds a data path by hand. Paths come from the environment at call time
(`paths()`), so tests and notebooks can point the whole project elsewhere:

- `THRIFTWATCH_DATA_DIR`: the folder holding `raw/` and `processed/` (default `<root>/data`);
- `THRIFTWATCH_RAW_DIR`, `THRIFTWATCH_PROCESSED_DIR`: finer overrides of those two;
- `THRIFTWATCH_REPORTS_DIR`: where the HTML briefs go (default `<root>/reports`);
- `THRIFTWATCH_REFDATA`: reference data (boundaries, region codes, population); by default the
  newest dated snapshot `<raw>/reference/<YYYY-MM-DD>/`, which the repository ships;
- `THRIFTWATCH_PRIVATE_DIR`: the pseudonymisation key and the seller map, never committed
  (default `<root>/private`, git-ignored, owner-only).

One setting that is not a path lives here too, read the same way:
`THRIFTWATCH_STREAM_MB`, the size above which a listings CSV is cleaned in chunks
(`stream_mb()`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The project checkout (holds pyproject.toml) when installed editable from it.
PROJ_ROOT = PACKAGE_DIR.parents[1]
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
PACKAGE_DATA_DIR = PACKAGE_DIR / "data"

#: Reference files this project reads (the shipped snapshot in data/raw/reference/<date>/).
REFERENCE_FILES = (
    "idn_kode_wilayah_prov_kabkota_2025.csv",
    "idn_penduduk_luas_prov_kabkota_2024.csv",
    "idn_kode_kemendagri_bps_kabkota.csv",
    "idn_kabkota_kode_2022_ke_2025.csv",
    "idn_provinsi_38_2025.geojson",
    "idn_kabkota_514_2025.geojson",
)

#: The raw sources; each is a folder of dated snapshots under the raw directory.
SOURCES = ("customs", "seizures", "listings", "takedowns")


class ReferenceDataMissingError(FileNotFoundError):
    """Reference data is needed but its folder lacks it."""


def newest_dated_folder(folder: Path) -> Path | None:
    """The `YYYY-MM-DD` subfolder of `folder` with the latest date, or None."""
    import datetime as dt

    def date(child: Path) -> dt.date | None:
        try:
            return dt.date.fromisoformat(child.name) if child.is_dir() else None
        except ValueError:
            return None

    dated = [(d, child) for child in folder.glob("*") if (d := date(child))]
    return max(dated)[1] if dated else None


def _reference_folder(raw: Path) -> Path:
    """The newest reference snapshot `raw/reference/<date>/`; for a raw folder without one,
    the snapshot the repository ships (so a raw folder elsewhere needs no copy of it)."""
    for folder in (raw / "reference", PROJ_ROOT / "data" / "raw" / "reference"):
        if found := newest_dated_folder(folder):
            return found
    return raw / "reference"


@dataclass(frozen=True)
class Paths:
    """The resolved folders of one run."""

    root: Path
    raw: Path
    processed: Path
    reports: Path
    refdata: Path
    private: Path = PROJ_ROOT / "private"
    notebooks: Path = NOTEBOOKS_DIR

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Paths:
        """Resolve every folder from environment variables, falling back to the checkout."""
        env = os.environ if env is None else env

        def get(name: str, default: Path) -> Path:
            value = env.get(name)
            return Path(value).expanduser().resolve() if value else default

        data = get("THRIFTWATCH_DATA_DIR", PROJ_ROOT / "data")
        raw = get("THRIFTWATCH_RAW_DIR", data / "raw")
        return cls(
            root=PROJ_ROOT,
            raw=raw,
            processed=get("THRIFTWATCH_PROCESSED_DIR", data / "processed"),
            reports=get("THRIFTWATCH_REPORTS_DIR", PROJ_ROOT / "reports"),
            refdata=get("THRIFTWATCH_REFDATA", _reference_folder(raw)),
            private=get("THRIFTWATCH_PRIVATE_DIR", PROJ_ROOT / "private"),
        )

    # Layout below the processed folder (see ARCHITECTURE.md).
    @property
    def clean(self) -> Path:
        """Clean tables, one parquet per source."""
        return self.processed / "clean"

    @property
    def rejected(self) -> Path:
        """Quarantined rows, one parquet per source, each row with its reason."""
        return self.processed / "rejected"

    @property
    def marts(self) -> Path:
        """Analysis tables the notebooks and briefs read."""
        return self.processed / "marts"

    @property
    def executed_notebooks(self) -> Path:
        """Executed copies of the notebooks behind each brief, for inspection."""
        return self.processed / "notebooks"

    @property
    def manifest(self) -> Path:
        """The run manifest: inputs, outputs, timings and versions."""
        return self.processed / "manifest.json"

    def source_dir(self, source: str) -> Path:
        """The folder of dated snapshots of one raw source."""
        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r}; expected one of {SOURCES}")
        return self.raw / source

    def reference_file(self, name: str) -> Path:
        """A reference file, or a `ReferenceDataMissingError` saying how to provide it."""
        path = self.refdata / name
        if not path.is_file():
            raise ReferenceDataMissingError(
                f"reference file {name} not found in {self.refdata}.\n"
                "The repository ships the reference data (boundaries, region codes, population) "
                "in data/raw/reference/<date>/; THRIFTWATCH_REFDATA, when set, must name a "
                "folder holding these files:\n  " + "\n  ".join(REFERENCE_FILES)
            )
        return path


def paths() -> Paths:
    """The project's folders as the current environment sets them."""
    return Paths.from_env()


#: Listings CSV files larger than this many MB are cleaned in chunks, in bounded memory:
#: in memory, cleaning takes about 1.4 GB per million rows (160 MB of CSV).
STREAM_MB = 400


def stream_mb(env: Mapping[str, str] | None = None) -> float:
    """The size in MB above which a listings CSV is streamed (`THRIFTWATCH_STREAM_MB`, or
    `STREAM_MB`); a value that is not a number is an error naming the variable."""
    value = (os.environ if env is None else env).get("THRIFTWATCH_STREAM_MB", "")
    if not value.strip():
        return STREAM_MB
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"THRIFTWATCH_STREAM_MB must be a number of MB, not {value!r}") from None
