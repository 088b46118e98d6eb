"""A seeded, clearly labelled synthetic sample of used-clothing listings, with its truth.

No public scrape of thrift listings exists, so the default listings data is synthetic. It is
built to look like real exports, defects included, so that the loader, the concentration
measures and the trend models meet realistic input, and every row says `data_origin =
synthetic`. A sidecar truth file records what each row really is, so tests can check the
loader against ground truth.

What the generator assumes (all documented here, all seeded):

- **Sellers** live in a kab/kota drawn with probability proportional to its population times
  a hub weight (`HUB_WEIGHTS`: greater Bandung, Jakarta, Bekasi, Surabaya, Medan, Batam,
  Pekanbaru, Makassar and the east-Sumatra landing ports), and sell on one platform.
- **Prices** are lognormal by item type (`ITEMS`), written in the styles sellers use
  (`Rp 85.000`, `85rb`, `85k`, `1,2jt`, `85000.0`, `harga DM`).
- **Time**: a monthly intensity with a Ramadan and Lebaran peak each year (`LEBARAN`), a
  drop of `CRACKDOWN_DROP` after the March 2023 crackdown recovering over nine months, and a
  smaller dip after the October 2023 platform push on Instagram and Facebook.
- **Locations** are written as sellers write them: full names, upper case, bare names,
  abbreviations, a district before the city, a province after it, an emoji, a typo, or
  nothing, at the rates in `LOCATION_STYLES`.
- **Defects** at known rates (`DEFECT_RATES`): reposts, bad prices, bad dates and titles
  carrying HTML or script.
- **Account takedowns** (`TAKEDOWN`): on the platform push date the most active quarter of
  the Instagram thrift sellers of greater Bandung are reported. A share of the reports is
  enforced: the account stops posting, and half of those come back under a new handle
  (`<handle>_v2`, same place) one to four weeks later, reposting their old titles at their old
  prices. The report list is written beside the sample (`<out>.takedowns.csv`: platform,
  handle, reported date, what an agency knows), the outcome in `<out>.takedowns.truth.parquet`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from thriftwatch.config import Paths
from thriftwatch.policy import CRACKDOWN, PLATFORM_PUSH
from thriftwatch.reference import population, region_codes
from thriftwatch.trends import LEBARAN

START, END = dt.date(2021, 1, 1), dt.date(2025, 6, 30)
CRACKDOWN_DROP = 0.45
#: Extra weight of known trade hubs, on top of population.
HUB_WEIGHTS = {
    "3273": 7.0, "3204": 3.0, "3217": 2.5, "3277": 3.0, "3211": 1.5,  # greater Bandung
    "3171": 2.5, "3172": 2.0, "3173": 2.5, "3174": 2.0, "3175": 2.0,  # Jakarta
    "3275": 2.5, "3216": 2.5, "3578": 2.0, "1271": 3.0, "2171": 5.0, "1471": 3.0,
    "7371": 1.5, "1274": 4.0, "1209": 2.0, "1472": 2.0,
}  # fmt: skip
PLATFORM_SHARES = {"instagram": 0.34, "facebook": 0.16, "tiktok": 0.15, "shopee": 0.2,
                   "tokopedia": 0.15}  # fmt: skip
#: item, price median (rupiah), log-sd, share of listings
ITEMS = (("kaos", 35_000, 0.45, 0.24), ("kemeja", 55_000, 0.45, 0.16),
         ("jaket", 120_000, 0.5, 0.14), ("hoodie", 95_000, 0.45, 0.1),
         ("celana jeans", 85_000, 0.45, 0.12), ("dress", 65_000, 0.5, 0.08),
         ("sweater", 75_000, 0.45, 0.08), ("bal", 4_500_000, 0.4, 0.08))  # fmt: skip
SECONDHAND_WORDS = ("thrift", "second", "preloved", "bekas", "vintage", "kondisi 9/10",
                    "seperti baru", "ex korea", "ex jepang", "awul awul")  # fmt: skip
BALE_WORDS = ("ballpress korea", "bal campur", "balpres jepang", "bal korea")
NEW_WORDS = ("baru", "produk lokal", "brand lokal", "ready stock", "new arrival")
BRANDS = ("uniqlo", "zara", "h&m", "levis", "nike", "adidas", "champion", "carhartt",
          "gap", "polo", "no brand")  # fmt: skip
LOCATION_STYLES = {"full": 0.3, "upper": 0.15, "bare": 0.2, "alias": 0.08, "district": 0.04,
                   "with_province": 0.1, "emoji": 0.05, "typo": 0.03, "missing": 0.05}  # fmt: skip
DEFECT_RATES = {"repost": 0.04, "bad_price": 0.01, "bad_date": 0.005, "html": 0.003}
#: Simulated account takedowns: who is reported, what share is enforced, what share of the
#: enforced accounts comes back under a new handle, and how often a comeback listing copies
#: an old title and price.
TAKEDOWN = {"platform": "instagram", "regions": ("3273", "3204", "3217", "3277"),
            "reported_share": 0.25, "enforced": 0.7, "reappear": 0.5, "copy": 0.6}  # fmt: skip
#: Seller share that sells new goods (the contrast group the keyword flags must tell apart).
NEW_GOODS_SELLERS = 0.12
#: Abbreviations and districts written for some kab/kota (from the resolver's alias table).
ALIASES = {"3273": ["Bdg"], "3174": ["Jaksel"], "3173": ["Jakbar"], "3175": ["Jaktim"],
           "3172": ["Jakut"], "3171": ["Jakpus"], "3578": ["Sby"], "3374": ["Smg"],
           "3471": ["Jogja"], "3372": ["Solo"], "7371": ["Mks"], "1471": ["PKU"],
           "3674": ["Tangsel"], "3217": ["KBB"]}  # fmt: skip
DISTRICTS = {"3216": "Cikarang Bekasi", "3211": "Jatinangor Sumedang", "1271": "Belawan, Medan",
             "2171": "Batam Centre, Batam", "3204": "Soreang, Kab. Bandung"}  # fmt: skip


@dataclass(frozen=True)
class SynthResult:
    """What a generation wrote."""

    path: Path
    truth: Path
    rows: int
    sellers: int
    takedowns: Path | None = None


def _intensity(months: list[dt.date], platform_social: bool) -> np.ndarray:
    """Relative listing intensity per month: a slow rise, the Ramadan/Lebaran peak, the
    crackdown drop and its recovery, and the platform push on social media."""
    out = []
    for i, month in enumerate(months):
        level = 1.0 + 0.01 * i
        lebaran = LEBARAN.get(month.year)
        if lebaran:
            gap = (lebaran.year - month.year) * 12 + lebaran.month - month.month
            level *= {0: 1.45, 1: 1.3}.get(gap, 1.0)  # Lebaran month, and Ramadan before it
        if month >= CRACKDOWN.replace(day=1):
            months_after = (month.year - 2023) * 12 + month.month - 3
            level *= 1 - CRACKDOWN_DROP * max(0.0, 1 - months_after / 9)
        if platform_social and month >= PLATFORM_PUSH.replace(day=1):
            level *= 0.88
        out.append(level)
    return np.array(out)


def _months() -> list[dt.date]:
    months, m = [], START
    while m <= END:
        months.append(m)
        m = dt.date(m.year + m.month // 12, m.month % 12 + 1, 1)
    return months


def _location_text(rng: np.random.Generator, code: str, names: dict[str, dict]) -> str | None:
    row = names[code]
    bare = row["bare"]
    style = rng.choice(list(LOCATION_STYLES), p=list(LOCATION_STYLES.values()))
    prefix = "Kab." if row["jenis"] == "Kabupaten" else "Kota"
    # a bare name shared by a kota and a kabupaten is read as the kota: write the regency fully
    if style == "bare" and row["shared"] and row["jenis"] == "Kabupaten":
        style = "full"
    if style == "alias" and code not in ALIASES:
        style = "district" if code in DISTRICTS else "full"
    if style == "district" and code not in DISTRICTS:
        style = "full"
    if style == "typo" and len(bare) < 7:
        style = "full"
    match style:
        case "full":
            return f"{prefix} {bare}"
        case "upper":
            return f"{prefix.upper()} {bare.upper()}"
        case "bare":
            return bare
        case "alias":
            return str(rng.choice(ALIASES[code]))
        case "district":
            return DISTRICTS[code]
        case "with_province":
            return f"{prefix} {bare}, {row['nama_prov']}"
        case "emoji":
            return f"📍 {prefix} {bare}"
        case "typo":
            i = int(rng.integers(2, len(bare) - 2))
            letter = "aeiou"[int(rng.integers(0, 5))]
            return f"{prefix} {bare[:i]}{letter if bare[i] != letter else 'x'}{bare[i + 1 :]}"
    return None


def _price_text(rng: np.random.Generator, price: int, platform: str) -> tuple[str, int]:
    """A price as a seller writes it, and the rupiah that text says."""
    if platform in ("shopee", "tokopedia"):
        return (f"{price}.0" if rng.random() < 0.5 else str(price)), price
    style = int(rng.integers(0, 5))
    if price >= 1_000_000 and style < 2:
        tenths = round(price / 100_000)
        text = f"{tenths // 10},{tenths % 10}jt" if tenths % 10 else f"{tenths // 10}jt"
        return text, tenths * 100_000
    if style in (1, 2):
        return f"{price // 1000}{'rb' if style == 1 else 'k'}", price // 1000 * 1000
    dotted = f"{price:,}".replace(",", ".")
    return (f"Rp{dotted},-" if style == 3 else f"Rp {dotted}"), price


def _date_text(rng: np.random.Generator, when: dt.datetime, platform: str) -> str:
    if platform in ("instagram", "tiktok"):
        return str(int(when.replace(tzinfo=dt.UTC).timestamp()))
    if platform == "facebook":
        return when.strftime("%d/%m/%Y %H:%M")
    return when.strftime("%Y-%m-%dT%H:%M:%S")


def generate_listings(
    rows: int, seed: int, out: Path, where: Paths | None = None, chunk: int = 200_000
) -> SynthResult:
    """Write `rows` synthetic listings to `out` (parquet, CSV or JSONL by suffix) and the truth
    to `<out>.truth.parquet`, in chunks so that memory stays bounded."""
    rng = np.random.default_rng(seed)
    codes = region_codes(where).filter(pl.col("level") == "kabkota")
    people = population(where).filter(pl.col("level") == "kabkota").select("kode", "penduduk_total")
    table = codes.join(people, on="kode").with_columns(
        bare=pl.col("nama").str.replace(r"^(Kabupaten|Kota)( Administrasi)? ", "")
    )
    shared = set(table.group_by("bare").len().filter(pl.col("len") > 1)["bare"])
    names = {r["kode"]: {**r, "shared": r["bare"] in shared} for r in table.iter_rows(named=True)}
    weights = table["penduduk_total"].cast(pl.Float64).to_numpy() * np.array(
        [HUB_WEIGHTS.get(k, 1.0) for k in table["kode"]]
    )
    n_sellers = max(50, rows // 35)
    seller_region = rng.choice(table["kode"].to_numpy(), size=n_sellers, p=weights / weights.sum())
    platforms = list(PLATFORM_SHARES)
    seller_platform = rng.choice(platforms, size=n_sellers, p=list(PLATFORM_SHARES.values()))
    seller_activity = rng.lognormal(0, 1.0, size=n_sellers)
    seller_new_goods = rng.random(n_sellers) < NEW_GOODS_SELLERS
    seller_location = [_location_text(rng, c, names) for c in seller_region]
    handles = [f"synthetic_{'new' if n else 'thrift'}_{i:06d}" for i, n in
               enumerate(seller_new_goods)]  # fmt: skip
    takedowns = _takedown_plan(rng, seller_region, seller_platform, seller_activity,
                               seller_new_goods, handles)  # fmt: skip
    seller_titles: dict[int, list[tuple]] = {}  # a seller's recent titles, prices and flags
    months = _months()
    social = _intensity(months, True)
    market = _intensity(months, False)
    item_p = np.array([i[3] for i in ITEMS])

    out.parent.mkdir(parents=True, exist_ok=True)
    truth_path = out.with_name(out.name + ".truth.parquet")
    writer = truth_writer = None
    written = 0
    try:
        while written < rows:
            n = min(chunk, rows - written)
            frame, truth = _chunk(rng, n, written, locals())
            if out.suffix == ".parquet":
                table_out = frame.to_arrow()
                writer = writer or pq.ParquetWriter(out, table_out.schema)
                writer.write_table(table_out)
            elif out.suffix in (".jsonl", ".ndjson"):
                with out.open("ab" if written else "wb") as handle:
                    frame.write_ndjson(handle)
            else:
                with out.open("ab" if written else "wb") as handle:
                    frame.write_csv(handle, include_header=not written)
            truth_table = truth.to_arrow()
            truth_writer = truth_writer or pq.ParquetWriter(truth_path, truth_table.schema)
            truth_writer.write_table(truth_table)
            written += n
    finally:
        if writer:
            writer.close()
        if truth_writer:
            truth_writer.close()
    report = out.with_name(out.name + ".takedowns.csv")
    takedowns.select("platform", "handle", "reported_at").write_csv(report)
    takedowns.write_parquet(out.with_name(out.name + ".takedowns.truth.parquet"))
    return SynthResult(out, truth_path, rows, n_sellers, report)


def _takedown_plan(
    rng: np.random.Generator,
    region: np.ndarray,
    platform: np.ndarray,
    activity: np.ndarray,
    new_goods: np.ndarray,
    handles: list[str],
) -> pl.DataFrame:
    """The reported accounts (`TAKEDOWN`) and, per account, whether the report is enforced,
    the day it is, and whether and when the seller comes back under a new handle."""
    eligible = np.flatnonzero(
        (platform == TAKEDOWN["platform"]) & np.isin(region, TAKEDOWN["regions"]) & ~new_goods
    )
    n = max(1, round(len(eligible) * TAKEDOWN["reported_share"])) if len(eligible) else 0
    chosen = eligible[np.argsort(-activity[eligible], kind="stable")][:n]
    enforced = rng.random(n) < TAKEDOWN["enforced"]
    back = enforced & (rng.random(n) < TAKEDOWN["reappear"])
    delay = rng.integers(0, 15, size=n)
    gap = rng.integers(7, 29, size=n)
    reported = dt.datetime.combine(PLATFORM_PUSH, dt.time(0, 0))
    return pl.DataFrame(
        {
            "seller": chosen.astype(np.int64),
            "platform": [TAKEDOWN["platform"]] * n,
            "handle": [handles[i] for i in chosen],
            "reported_at": [PLATFORM_PUSH] * n,
            "enforced": enforced,
            "taken_down_at": [reported + dt.timedelta(days=int(d)) if e else None
                              for d, e in zip(delay, enforced, strict=True)],
            "new_handle": [f"{handles[i]}_v2" if b else None for i, b in zip(chosen, back,
                                                                               strict=True)],
            "back_at": [reported + dt.timedelta(days=int(d + g)) if b else None
                        for d, g, b in zip(delay, gap, back, strict=True)],
        },
        schema_overrides={"taken_down_at": pl.Datetime("us"), "back_at": pl.Datetime("us"),
                          "new_handle": pl.String},
    )  # fmt: skip


def _chunk(
    rng: np.random.Generator, n: int, offset: int, ctx: dict
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One chunk of listings and their truth (`ctx`: the generator's seller tables)."""
    n_sellers, months = len(ctx["handles"]), ctx["months"]
    activity = ctx["seller_activity"]
    seller = rng.choice(n_sellers, size=n, p=activity / activity.sum())
    platform = ctx["seller_platform"][seller]
    is_social = np.isin(platform, ["instagram", "facebook", "tiktok"])
    month_i = np.where(
        is_social,
        rng.choice(len(months), size=n, p=ctx["social"] / ctx["social"].sum()),
        rng.choice(len(months), size=n, p=ctx["market"] / ctx["market"].sum()),
    )
    item_i = rng.choice(len(ITEMS), size=n, p=ctx["item_p"])
    medians = np.array([i[1] for i in ITEMS])[item_i]
    sds = np.array([i[2] for i in ITEMS])[item_i]
    price = np.round(rng.lognormal(np.log(medians), sds) / 500) * 500
    new_goods = ctx["seller_new_goods"][seller]
    defect = rng.choice(
        ["none", *DEFECT_RATES],
        size=n,
        p=[1 - sum(DEFECT_RATES.values()), *DEFECT_RATES.values()],
    )
    plan = {r["seller"]: r for r in ctx["takedowns"].iter_rows(named=True)}
    others = np.setdiff1d(np.arange(n_sellers), ctx["takedowns"]["seller"].to_numpy())
    records, truth = [], []
    for j in range(n):
        row = offset + j
        s, kind = int(seller[j]), str(defect[j])
        month = months[int(month_i[j])]
        nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        day = month + dt.timedelta(days=int(rng.integers(0, (nxt - month).days)))
        when = dt.datetime.combine(day, dt.time(int(rng.integers(7, 23)), int(rng.integers(60))))
        handle, copied = ctx["handles"][s], None
        if (t := plan.get(s)) and t["enforced"] and when >= t["taken_down_at"]:
            if t["new_handle"] and when >= t["back_at"]:
                handle = t["new_handle"]
                old = ctx["seller_titles"].get(s)
                if old and rng.random() < TAKEDOWN["copy"]:
                    copied = old[int(rng.integers(0, len(old)))]
            else:  # the account is gone: the listing is someone else's
                s = int(rng.choice(others))
                handle = ctx["handles"][s]
                platform[j] = ctx["seller_platform"][s]
                new_goods[j] = ctx["seller_new_goods"][s]
        item, brand = ITEMS[int(item_i[j])][0], str(rng.choice(BRANDS))
        if new_goods[j]:
            words = [str(rng.choice(NEW_WORDS))]
            secondhand, imported = False, False
        elif item == "bal":
            words = [str(rng.choice(BALE_WORDS))]
            secondhand, imported = True, True
        else:
            words = list(rng.choice(SECONDHAND_WORDS, size=int(rng.integers(1, 3)), replace=False))
            secondhand = True
            imported = any(w.startswith("ex ") for w in words)
        title = f"{item} {brand} {' '.join(words)}".strip()
        price_text, written = _price_text(rng, int(price[j]), platform[j])
        if copied:
            title, price_text, written, secondhand, imported = copied
        elif handle == ctx["handles"][s]:
            kept = ctx["seller_titles"].setdefault(s, [])
            kept.append((title, price_text, written, secondhand, imported))
            del kept[:-20]
        date_text = _date_text(rng, when, platform[j])
        true_price: int | None = written
        if rng.random() < 0.02:
            price_text, true_price = str(rng.choice(["harga DM", "nego", "DM aja"])), None
        repost_of = None
        if kind == "repost" and records:
            k = int(rng.integers(0, len(records)))
            base = records[k]
            if base["seller_handle"] is not None:
                record = dict(base)
                when = truth[k]["posted_at"] + dt.timedelta(days=int(rng.integers(1, 7)))
                record["listing_id"] = f"syn{row:09d}"
                record["posted_at"] = _date_text(rng, when, base["platform"])
                records.append(record)
                truth.append({**truth[k], "row": row + 1, "defect": "repost",
                              "repost_of": truth[k]["row"], "posted_at": when})  # fmt: skip
                continue
            kind = "none"
        if kind == "bad_price":
            price_text = str(rng.choice(["-50000", "Rp 999.999.999.999", "50"]))
        if kind == "bad_date":
            date_text = str(rng.choice(["2099-01-01T00:00:00", "32/13/2023", "kemarin"]))
        if kind == "html":
            title += str(rng.choice([" <script>alert('x')</script>",
                                     " <img src=x onerror=alert(1)>"]))  # fmt: skip
        records.append(
            {
                "platform": str(platform[j]),
                "listing_id": f"syn{row:09d}",
                "seller_handle": handle,
                "seller_location": ctx["seller_location"][s],
                "title": title,
                "price": price_text,
                "posted_at": date_text,
                "url": f"https://{platform[j]}.example/p/syn{row:09d}",
                "data_origin": "synthetic",
            }
        )
        truth.append(
            {
                "row": row + 1, "seller": handle,
                "kabkota_code": str(ctx["seller_region"][s]),
                "location_text": ctx["seller_location"][s], "price_idr": true_price,
                "posted_at": when, "is_secondhand": secondhand, "mentions_import": imported,
                "defect": kind, "repost_of": None if repost_of is None else repost_of,
            }
        )  # fmt: skip
    truth_frame = pl.DataFrame(
        truth,
        schema={"row": pl.Int64, "seller": pl.String, "kabkota_code": pl.String,
                "location_text": pl.String, "price_idr": pl.Int64,
                "posted_at": pl.Datetime("us"), "is_secondhand": pl.Boolean,
                "mentions_import": pl.Boolean, "defect": pl.String, "repost_of": pl.Int64},
    )  # fmt: skip
    return pl.DataFrame(records, schema={k: pl.String for k in records[0]}), truth_frame
