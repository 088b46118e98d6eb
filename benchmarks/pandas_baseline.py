"""The listings cleaning written the way a typical notebook does it, in pandas.

This is the yardstick of `bench_loaders.py`, not project code: row-wise `apply` for prices,
dates, regions and pseudonyms, pandas string methods for the keyword rules, a groupby for
reposts. It follows the rules of `thriftwatch.loaders.listings` for the columns of the
synthetic export (platform, listing_id, seller_handle, seller_location, title, price,
posted_at), so that the benchmark can check both paths keep the same rows with the same
values.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path

import pandas as pd

from thriftwatch.config import Paths
from thriftwatch.loaders.listings import (
    EARLIEST,
    MAX_PRICE,
    MIN_PRICE,
    REPOST_DAYS,
    keyword_rules,
)
from thriftwatch.privacy import pseudonym, pseudonym_key
from thriftwatch.regions import gazetteer

#: The columns both paths are compared on.
COMPARED = ["source_row", "platform", "seller_id", "price_idr", "posted_at", "kabkota_code",
            "province_code", "is_secondhand", "mentions_import"]  # fmt: skip

_ASK = re.compile(r"\b(harga ?dm|dm|nego|tanya|chat|inbox|pm|hubungi)\b")
_NUMBER = re.compile(r"^(-?)(\d[\d.,]*)(rb|ribu|k|jt|juta|m|miliar)?")
_WORDS = {"rb": 1e3, "ribu": 1e3, "k": 1e3, "jt": 1e6, "juta": 1e6, "m": 1e9, "miliar": 1e9}
_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S",
            "%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y",
            "%Y/%m/%d")  # fmt: skip


def parse_price(text: object) -> tuple[float | None, bool]:
    """(rupiah, asks for a message); rupiah is None when the text is no price."""
    if not isinstance(text, str):
        return None, False
    t = text.lower().strip()
    if _ASK.search(t):
        return None, True
    compact = re.sub(r"rp\.?|idr|\s|,-|\.-", "", t)
    m = _NUMBER.match(compact)
    if not m:
        return None, False
    sign, number, word = m.groups()
    if word and re.fullmatch(r"\d+([.,]\d+)?", number):
        plain = number.replace(",", ".", 1)
    elif re.fullmatch(r"\d{1,3}([.,]\d{3})+", number):
        plain = re.sub(r"[.,]", "", number)
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+,\d{1,2}", number):
        plain = number.replace(".", "").replace(",", ".", 1)
    elif re.fullmatch(r"\d{1,3}(,\d{3})+\.\d{1,2}", number):
        plain = number.replace(",", "")
    elif re.fullmatch(r"\d+[.,]\d{1,2}", number):
        plain = number.replace(",", ".", 1)
    elif re.fullmatch(r"\d+", number):
        plain = number
    else:
        return None, False
    value = float(plain) * _WORDS.get(word or "", 1.0)
    return (-value if sign == "-" else value), False


def parse_date(text: object) -> dt.datetime | None:
    """Unix seconds or milliseconds, ISO or day-first text; None when unreadable."""
    if not isinstance(text, str):
        return None
    t = re.sub(r"\.\d+$", "", re.sub(r"(Z|[+-]\d{2}:?\d{2})$", "", text.strip()))
    if re.fullmatch(r"\d{10}", t):
        return dt.datetime.fromtimestamp(int(t), dt.UTC).replace(tzinfo=None)
    if re.fullmatch(r"\d{13}", t):
        return dt.datetime.fromtimestamp(int(t) / 1000, dt.UTC).replace(tzinfo=None)
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(t, fmt)
        except ValueError:
            continue
    return None


def normalize_title(title: str) -> str:
    """Lower case, words only, 'seperti baru' and the like as `likenew`."""
    t = re.sub(r"(?:[^\w%/]|_)+", " ", title.lower())
    t = re.sub(r"\b(seperti|kayak|kaya|rasa|kondisi|like)\s+(baru|new)\b", "likenew", t)
    return re.sub(r"\s+", " ", t).strip()


def clean(path: Path, where: Paths) -> pd.DataFrame:
    """The cleaned listings of a synthetic export (see the module docstring)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = df.apply(lambda c: c.str.strip()).replace("", None)
    df["source_row"] = range(1, len(df) + 1)
    df = df.drop_duplicates(subset=[c for c in df.columns if c != "source_row"])

    key = pseudonym_key(where)
    df["seller_id"] = df.apply(
        lambda r: None if pd.isna(r["seller_handle"])
        else pseudonym(r["platform"], r["seller_handle"], key),
        axis=1,
    )  # fmt: skip
    prices = df["price"].apply(parse_price)
    df["price_value"] = prices.str[0]
    df["price_ask"] = prices.str[1]
    df["posted_text"] = df["posted_at"]
    df["posted_at"] = df["posted_text"].apply(parse_date)

    now = dt.datetime.now() + dt.timedelta(days=1)
    bad = (
        df["title"].isna()
        | (df["price"].notna() & df["price_value"].isna() & ~df["price_ask"])
        | (df["posted_text"].notna() & df["posted_at"].isna())
        | (df["posted_at"] > now)
        | (df["posted_at"] < EARLIEST)
    )
    df = df[~bad].copy()
    df["price_idr"] = df["price_value"].round(0)
    df = df[df["price_idr"].isna() | df["price_idr"].between(MIN_PRICE, MAX_PRICE)].copy()

    places = gazetteer(where)
    resolved = df["seller_location"].apply(lambda s: places.resolve(s if pd.notna(s) else None))
    df["kabkota_code"] = resolved.apply(lambda r: r.kabkota_code)
    df["province_code"] = resolved.apply(lambda r: r.province_code)

    df["title_norm"] = df["title"].apply(normalize_title)
    rules = keyword_rules().to_pandas()
    titles = df["title_norm"]
    warnings.filterwarnings("ignore", "This pattern is interpreted", UserWarning)
    hits = {r.rule: titles.str.contains(r.pattern, regex=True) for r in rules.itertuples()}

    def any_of(flag: str) -> pd.Series:
        names = rules.loc[rules["flag"] == flag, "rule"]
        return pd.concat([hits[n] for n in names], axis=1).any(axis=1)

    df["is_secondhand"] = any_of("secondhand") & ~any_of("not_secondhand")
    df["mentions_import"] = any_of("import") & ~any_of("not_import")

    # reposts: same seller, title and price within REPOST_DAYS; repeated listing ids
    df = df.sort_values(["seller_id", "title_norm", "price_idr", "posted_at", "source_row"])
    group = df.groupby(["seller_id", "title_norm", "price_idr"], dropna=False)
    gap = group["posted_at"].diff()
    repost = df["seller_id"].notna() & (gap <= pd.Timedelta(days=REPOST_DAYS))
    df = df.sort_values("source_row")
    repost = repost.loc[df.index]
    seen = df["listing_id"].notna() & df.duplicated(subset=["platform", "listing_id"])
    df = df[~(repost | seen)]
    df["price_idr"] = df["price_idr"].astype("Int64")
    return df[COMPARED].reset_index(drop=True)
