"""Regional and dated editions of a brief: which rows each section keeps.

`--region 32` keeps what happened in Jawa Barat (rows whose province code is 32), `--region
3273` what happened in Kota Bandung; `--since 2023-01-01` keeps what is dated from then on.
National statistics (trade) are shown unchanged and the brief says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Edition:
    """The filters of one edition (none: the national, full-period brief)."""

    region: str | None = None
    since: dt.date | None = None

    @classmethod
    def of(cls, region: str | None = None, since: str | dt.date | None = None) -> Edition:
        """An edition from notebook parameters (strings, as papermill passes them)."""
        if region is not None and not (str(region).isdigit() and len(str(region)) in (2, 4)):
            raise ValueError(f"region must be a 2- or 4-digit Kemendagri code: {region!r}")
        day = dt.date.fromisoformat(since) if isinstance(since, str) else since
        return cls(str(region) if region is not None else None, day)

    @property
    def national(self) -> bool:
        return self.region is None and self.since is None

    def rows(
        self,
        frame: pl.DataFrame,
        *,
        date: str | None = None,
        province: str = "province_code",
        kabkota: str = "kabkota_code",
    ) -> pl.DataFrame:
        """The rows of `frame` in this edition's region and period."""
        keep = pl.lit(True)
        if self.region is not None:
            column = province if len(self.region) == 2 else kabkota
            keep = keep & (pl.col(column) == self.region)
        if self.since is not None and date is not None:
            keep = keep & (pl.col(date).cast(pl.Date) >= self.since)
        return frame.filter(keep)

    def regions(self, table: pl.DataFrame) -> pl.DataFrame:
        """Rows of a region table (`code`, `province_code`) inside this edition's region."""
        if self.region is None:
            return table
        if len(self.region) == 2:
            return table.filter(pl.col("province_code") == self.region)
        return table.filter(pl.col("code") == self.region)

    def label(self, names: dict[str, str] | None = None) -> str:
        """A sentence naming the edition, for the top of a brief."""
        if self.national:
            return ""
        parts = []
        if self.region is not None:
            name = (names or {}).get(self.region, self.region)
            parts.append(f"region {name} (code {self.region})")
        if self.since is not None:
            parts.append(f"events and listings from {self.since:%d %B %Y}")
        return "Edition: " + " and ".join(parts) + ". National statistics are shown as they are."
