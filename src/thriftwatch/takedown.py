"""The takedown list an agency sends to a platform: one row per seller account offering
imported used clothing, with the evidence for it.

This is the only output that names sellers. It joins the clean listings
(`data/processed/`) with the private seller map (`thriftwatch.privacy`), so it cannot be made
without the map, and it refuses to write into `data/processed/` or `reports/`. Text cells are
made inert for spreadsheets (a title starting with `=` would otherwise run as a formula).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from thriftwatch.config import Paths
from thriftwatch.editions import Edition

LEGAL_BASIS = (
    "Peraturan Menteri Perdagangan (Permendag) No. 18 Tahun 2021 on goods prohibited for "
    "export and import, as amended by Permendag No. 40 Tahun 2022 (in force 21 June 2022): "
    "used clothing and other used articles of HS heading 6309 (kantong bekas, karung bekas "
    "dan pakaian bekas) are goods prohibited from import. Before it: Permendag No. 51 Tahun "
    "2015 on the ban of imports of used clothing."
)
#: Evidence listings per account in the export.
EVIDENCE = 5
#: Characters that make a spreadsheet read a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Selection:
    """Which accounts a takedown list covers."""

    platform: str
    region: str | None = None  # a kab/kota (4 digits) or province (2 digits) code
    min_listings: int = 1  # second-hand import listings an account must have
    since: dt.date | None = None


def _in_scope(listings: pl.DataFrame, selection: Selection) -> pl.DataFrame:
    when = pl.coalesce("posted_at", "scraped_at")
    frame = listings.filter(
        pl.col("platform").cast(pl.String) == selection.platform, pl.col("seller_id").is_not_null()
    ).with_columns(_when=when)
    # the region and period filters of a brief's edition
    frame = Edition(selection.region, selection.since).rows(frame, date="_when")
    return frame.with_columns(
        _import=pl.col("is_secondhand") & pl.col("mentions_import"),
    )


def takedown_list(
    listings: pl.DataFrame,
    sellers: pl.DataFrame,
    urls: pl.DataFrame,
    selection: Selection,
    regions: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per account with at least `min_listings` second-hand import listings, the
    strongest evidence first: most such listings, then most second-hand listings, then the
    most recently active.

    `listings`: the clean listings table; `sellers`, `urls`: the private seller map and
    listing URLs; `regions`: reference codes (`kode`, `nama`) for region names."""
    scope = _in_scope(listings, selection)
    accounts = (
        scope.group_by("seller_id")
        .agg(
            pl.col("_import").sum().alias("n_secondhand_import"),
            pl.col("is_secondhand").sum().alias("n_secondhand"),
            pl.len().alias("n_listings"),
            pl.col("_when").min().alias("first_seen"),
            pl.col("_when").max().alias("last_seen"),
            pl.col("kabkota_code").drop_nulls().mode().sort().first().alias("kabkota_code"),
            pl.col("keyword_rules")
            .filter(pl.col("is_secondhand"))
            .list.explode(keep_nulls=False, empty_as_null=False)
            .drop_nulls()
            .unique()
            .sort()
            .str.join("; ")
            .alias("keyword_rules"),
        )
        .filter(pl.col("n_secondhand_import") >= selection.min_listings)
    )
    evidence = (
        scope.filter(pl.col("is_secondhand"))
        .join(accounts.select("seller_id"), on="seller_id", how="semi")  # listed accounts only
        .join(urls, on=["source_file", "source_row", "seller_id"], how="left")
        .sort(
            ["seller_id", "_import", "_when", "source_row"],
            descending=[False, True, True, False],
            nulls_last=True,
        )
        .group_by("seller_id", maintain_order=True)
        .head(EVIDENCE)
        .with_columns(_n=pl.int_range(1, pl.len() + 1).over("seller_id"))
        .pivot(on="_n", index="seller_id", values=["url", "title"])
    )
    table = (
        accounts.join(sellers, on="seller_id", how="left")
        .join(evidence, on="seller_id", how="left")
        .sort(
            ["n_secondhand_import", "n_secondhand", "last_seen", "seller_id"],
            descending=[True, True, True, False],
            nulls_last=True,
        )
        .with_columns(rank=pl.int_range(1, pl.len() + 1))
    )
    if regions is not None:
        names = regions.select(pl.col("kode").alias("kabkota_code"), pl.col("nama").alias("region"))
        table = table.join(names, on="kabkota_code", how="left", maintain_order="left")
    else:
        table = table.with_columns(region=pl.lit(None, pl.String))
    slots = [
        c for n in range(1, EVIDENCE + 1) for c in (f"url_{n}", f"title_{n}") if c in table.columns
    ]
    return table.select(
        "rank", pl.lit(selection.platform).alias("platform"), "handle", "profile_url",
        "kabkota_code", "region", "n_secondhand_import", "n_secondhand", "n_listings",
        "first_seen", "last_seen", "keyword_rules", *slots, "seller_id",
    )  # fmt: skip


def header_block(
    table: pl.DataFrame, listings: pl.DataFrame, selection: Selection, run_id: str | None
) -> list[tuple[str, str]]:
    """The lines above the table: what it is, the legal basis, the data period and sources."""
    scope = _in_scope(listings, selection)
    period = scope.select(pl.col("_when").min().alias("a"), pl.col("_when").max().alias("b")).row(0)
    files = sorted(scope["source_file"].unique().to_list())
    synthetic = bool(scope["synthetic"].any()) if scope.height else False
    where = f", region {selection.region}" if selection.region else ""
    since = f", listings since {selection.since}" if selection.since else ""
    generated = f"{dt.datetime.now().isoformat(timespec='seconds')} by thriftwatch"
    lines = [
        ("document", "Accounts offering imported used clothing: request for removal"),
        ("platform", selection.platform),
        (
            "selection",
            f"accounts with at least {selection.min_listings} second-hand import listing(s)"
            f"{where}{since}; strongest evidence first",
        ),
        ("accounts", f"{table.height:,}"),
        ("legal basis", LEGAL_BASIS),
        ("data period", " to ".join(str(d.date()) if d else "unknown" for d in period)),
        ("data sources", "; ".join(files) or "none"),
        (
            "evidence",
            f"up to {EVIDENCE} listings per account (URL and title); keyword_rules lists the "
            "rules of thriftwatch's keyword table that the titles matched",
        ),
        ("generated", generated + (f", run {run_id}" if run_id else "")),
        (
            "personal data",
            "names seller accounts: share only with the platform and the people entitled to "
            "act on it",
        ),
    ]
    if synthetic:
        warning = "SYNTHETIC DATA: these accounts do not exist (a generated sample for testing)"
        lines.insert(0, ("WARNING", warning + "; never send this list to a platform"))
    return lines


def inert(table: pl.DataFrame) -> pl.DataFrame:
    """Text cells a spreadsheet would run as formulas, prefixed with an apostrophe."""

    def safe(name: str) -> pl.Expr:
        text = pl.col(name)
        risky = pl.any_horizontal(text.str.starts_with(s) for s in _FORMULA_START)
        return pl.when(risky).then(pl.lit("'") + text).otherwise(text).alias(name)

    return table.with_columns(safe(c) for c, t in table.schema.items() if t == pl.String)


class UnsafeOutputError(ValueError):
    """The takedown list would land where published or processed outputs live."""


def write(table: pl.DataFrame, header: list[tuple[str, str]], out: Path, where: Paths) -> Path:
    """Write the list as CSV (header lines start with `#`) or XLSX (header rows above the
    table), never inside `data/processed/` or `reports/`."""
    target = out.resolve()
    for folder in (where.processed, where.reports):
        if target.is_relative_to(folder.resolve()):
            raise UnsafeOutputError(
                f"{out} is inside {folder}: a list naming sellers never goes with the processed "
                "data or the reports; write it somewhere private"
            )
    safe = inert(table)
    suffix = out.suffix.lower()
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        lines = "".join(f"# {k}: {v}\n" for k, v in inert_header(header))
        out.write_text(lines + safe.write_csv(datetime_format="%Y-%m-%d %H:%M"), encoding="utf-8")
    elif suffix == ".xlsx":
        import xlsxwriter

        with xlsxwriter.Workbook(out) as book:
            sheet = book.add_worksheet("takedown")
            bold = book.add_format({"bold": True})
            for i, (key, value) in enumerate(inert_header(header)):
                sheet.write_string(i, 0, key, bold)
                sheet.write_string(i, 1, value)
            safe.write_excel(
                workbook=book, worksheet="takedown", position=(len(header) + 1, 0),
                autofit=True, dtype_formats={pl.Datetime: "yyyy-mm-dd hh:mm"},
            )  # fmt: skip
    else:
        raise ValueError(f"{out}: write a .csv or .xlsx file")
    return out


def inert_header(header: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, f"'{v}" if v.startswith(_FORMULA_START) else v) for k, v in header]
