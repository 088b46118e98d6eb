"""Attributions computed from the rows a figure uses, never typed into a brief.

Every clean trade row carries its `source_kind` (official extract, news quote), its
`producer` (BPS, UN Comtrade, ITC Trade Map, DOSM, ...) and its `source` (a file or a page,
with `source_url` where the row has one). A brief says where a number comes from by handing
the rows behind it to `attribution`, so an official extract dropped into `data/raw/` is
named as such, and "every figure is a news quote" is said only when `all_news_quotes` is
true of the rows shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlparse

import polars as pl

#: How a reader is told what kind of source a figure has.
KIND_LABELS = {
    "bps_portal": "official extract",
    "un_comtrade": "official extract",
    "news_quote": "news quote",
    "synthetic": "synthetic sample",
}


def outlet(source: str) -> str:
    """Where a figure was published: a web page's site (`kumparan.com`) or a file's name."""
    if "://" in source:
        host = urlparse(source).netloc or source
        return host.removeprefix("www.").removeprefix("m.").removeprefix("amp.")
    return source


def _rows(rows: pl.DataFrame | Mapping[str, object], prefixes: tuple[str, ...]) -> pl.DataFrame:
    """The kind, producer and source of `rows` (a frame, or one row as a dict) under each
    column prefix (`mirror_` and `reported_` for both sides of a gap); a missing column is
    null (a table of enforcement reports has sources but no kind)."""
    if isinstance(rows, Mapping):
        rows = pl.DataFrame([{k: v for k, v in rows.items() if isinstance(v, str) or v is None}])
    parts = []
    for prefix in prefixes or ("",):
        parts.append(
            rows.select(
                [
                    (pl.col(f"{prefix}{c}") if f"{prefix}{c}" in rows.columns else pl.lit(None))
                    .cast(pl.String)
                    .alias(c)
                    for c in ("source_kind", "producer", "source")
                ]
            )
        )
    return pl.concat(parts).filter(pl.col("source").is_not_null()).unique(maintain_order=True)


def _outlets(sources: pl.Series, most: int | None) -> str:
    names = sorted({outlet(s) for s in sources})
    if most is not None and len(names) > most:
        return f"{', '.join(names[:most])} and {len(names) - most} more"
    return ", ".join(names)


def attribution(
    rows: pl.DataFrame | Mapping[str, object], *prefixes: str, most: int | None = None
) -> str:
    """`ITC Trade Map, news quote (cnnindonesia.com, kumparan.com); BPS, official extract
    (bps_2023.csv)` for the rows behind a number; "no source" when none has one. Rows with no
    kind or producer (enforcement reports) are named by their outlets alone; `most` caps the
    outlets named per producer ("and 12 more")."""
    table = _rows(rows, prefixes)
    if table.is_empty():
        return "no source"
    parts = []
    for (producer, kind), group in table.group_by("producer", "source_kind", maintain_order=True):
        outlets = _outlets(group["source"], most)
        if kind is None and producer is None:
            parts.append(f"published reports ({outlets})")
            continue
        label = KIND_LABELS.get(str(kind), str(kind))
        parts.append(f"{producer or 'producer not stated'}, {label} ({outlets})")
    return "; ".join(sorted(parts))


def kinds(rows: pl.DataFrame | Mapping[str, object], *prefixes: str) -> set[str]:
    """The source kinds among the rows behind a number."""
    return set(_rows(rows, prefixes)["source_kind"].drop_nulls())


def all_news_quotes(rows: pl.DataFrame | Mapping[str, object], *prefixes: str) -> bool:
    """True when the rows behind a number have sources and every one is a news quote."""
    return kinds(rows, *prefixes) == {"news_quote"}


def producers(rows: pl.DataFrame | Mapping[str, object], *prefixes: str) -> list[str]:
    """The producers named by the rows behind a number, sorted."""
    return sorted(set(_rows(rows, prefixes)["producer"].drop_nulls()))


#: Quoters of trade figures with a stake in them (the textile industry association).
INTERESTED_PARTIES = r"\bAPI\b|Pertekstilan"


def quoted_by_interested_party(rows: pl.DataFrame, prefix: str = "mirror_") -> bool:
    """Whether any figure among `rows` was quoted by an interested party (`source_detail`
    names the quoter of a news quote)."""
    column = f"{prefix}source_detail"
    return column in rows.columns and bool(rows[column].str.contains(INTERESTED_PARTIES).any())


def join_names(names: Iterable[str], conjunction: str = "and") -> str:
    """`BPS`, `BPS and DOSM`, `BPS, DOSM and UN Comtrade`."""
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
