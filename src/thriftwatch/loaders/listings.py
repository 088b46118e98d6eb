"""Marketplace and social-media listings of used clothing, as one clean listing table.

`load_listings(path)` reads CSV, XLSX, JSONL and parquet scrape exports. Columns are found by
their many names (`HEADER_ALIASES`), so the Tokopedia and Shopee layouts in circulation and
exports of social-media scrapers load alike. Per listing it works out:

- the **platform** (a platform column, a column holding only platform names, the URL's
  domain, or the file name);
- the **seller**, as a keyed pseudonym (`seller_id`, see `thriftwatch.privacy`): the raw
  handle, profile and listing URLs never reach the clean table, the quarantine or any output;
  phone numbers and @mentions in titles are masked;
- the **price** in integer rupiah (`Rp 85.000`, `Rp85.000,-`, `150rb`, `99k`, `1,2jt`,
  `Rp 6 juta`, `Rp 275,000`, `13500.0`; `harga DM` / `nego` -> null with `price_ask`; a range
  keeps its lower bound with `price_range`); prices below Rp 100 or above Rp 1 billion are
  quarantined;
- **sold** counts (`10rb+ terjual` -> 10,000 with `sold_lower_bound`);
- **dates** (`posted_at`, `scraped_at`: ISO, `28/09/2023` day first, Unix seconds or
  milliseconds; a date in the future or before 2005, or unreadable, is quarantined; no date
  stays null; a file name with a date gives `scraped_at` when no column does);
- **second-hand and import** flags from the keyword table `data/listing_keywords.csv`, with
  the rules that matched in `keyword_rules`;
- the **region** of the seller location through `resolve_regions`.

Reposts (same seller, same normalised title and price within 7 days) and repeated listing
ids are declared duplicates: `n_raw == clean + rejected + duplicates`.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

import dataframely as dy
import polars as pl

from thriftwatch.config import PACKAGE_DATA_DIR, Paths
from thriftwatch.errors import DataError
from thriftwatch.loaders.base import FILE, REASON, ROW, Loaded, RawRows, first_problem, validate
from thriftwatch.parse import read_table
from thriftwatch.privacy import pseudonym_key, pseudonymise
from thriftwatch.regions import MATCHES, resolve_regions

PLATFORMS = ("instagram", "facebook", "tiktok", "shopee", "tokopedia", "lazada", "bukalapak",
             "whatsapp", "other")  # fmt: skip
_PLATFORM_NAMES = {
    "instagram": "instagram", "ig": "instagram", "facebook": "facebook", "fb": "facebook",
    "facebook marketplace": "facebook", "tiktok": "tiktok", "tiktok shop": "tiktok",
    "shopee": "shopee", "tokopedia": "tokopedia", "tokped": "tokopedia", "lazada": "lazada",
    "bukalapak": "bukalapak", "whatsapp": "whatsapp", "wa": "whatsapp",
}  # fmt: skip
_DOMAINS = r"(instagram|facebook|fb|tiktok|shopee|tokopedia|lazada|bukalapak|whatsapp|wa)\."

#: Column names of each field, most specific first (compared without case).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "platform": ("platform", "marketplace", "source_platform", "channel"),
    "listing_id": ("listing_id", "itemid", "item_id", "product_id", "post_id", "shortcode",
                   "id"),
    "seller": ("seller_handle", "username", "seller_username", "seller", "account",
               "shop_name", "penjual", "toko", "nama toko", "shop_username", "shop_id",
               "shopid"),
    "location": ("seller_location", "shop_location", "shop_city", "lokasi", "location", "city",
                 "kota"),
    "title": ("title", "caption", "name", "produk", "nama produk", "product_name",
              "gtm_item_name", "judul"),
    "price": ("price", "price_number", "harga", "harga diskon", "harga normal",
              "price_original", "discounted_price"),
    "sold": ("sold", "countsold", "count_sold", "terjual", "label_titles"),
    "posted_at": ("posted_at", "created_at", "date", "tanggal", "timestamp", "taken_at",
                  "upload_date"),
    "scraped_at": ("scraped_at", "crawled_at", "collected_at", "scrape_date"),
    "url": ("url", "link", "details_link", "url_desktop", "permalink", "post_url"),
    "profile_url": ("profile_url", "shop_url", "shop_url_desktop", "seller_url"),
    "data_origin": ("data_origin",),
}  # fmt: skip
#: Price columns in the order they are trusted; a zero in a discount column means no discount.
_PRICE_ORDER = ("price_number", "harga diskon", "price", "harga", "harga normal",
                "price_original", "discounted_price")  # fmt: skip
_DISCOUNT_COLUMNS = ("harga diskon", "discounted_price")
MIN_PRICE, MAX_PRICE = 100, 1_000_000_000
EARLIEST = dt.datetime(2005, 1, 1)
REPOST_DAYS = 7


class ListingSchema(dy.Schema):
    """One listing, without any personal data."""

    platform = dy.Enum(PLATFORMS)
    listing_id = dy.String(nullable=True)
    seller_id = dy.String(nullable=True, regex=r"^s_[0-9a-f]{20}$")
    title = dy.String()
    price_idr = dy.Int64(nullable=True, min=MIN_PRICE, max=MAX_PRICE)
    price_ask = dy.Bool()
    price_range = dy.Bool()
    sold = dy.Int64(nullable=True, min=0)
    sold_lower_bound = dy.Bool()
    location = dy.String(nullable=True)
    kabkota_code = dy.String(nullable=True, regex=r"^\d{4}$")
    province_code = dy.String(nullable=True, regex=r"^\d{2}$")
    region_match = dy.Enum(MATCHES)
    posted_at = dy.Datetime(nullable=True)
    scraped_at = dy.Datetime(nullable=True)
    is_secondhand = dy.Bool()
    mentions_import = dy.Bool()
    keyword_rules = dy.List(dy.String())
    synthetic = dy.Bool()
    source_file = dy.String()
    source_row = dy.UInt32()


RULE_MESSAGES = {
    "price_idr|min": f"price below Rp {MIN_PRICE}",
    "price_idr|max": f"price above Rp {MAX_PRICE:,}",
    "sold|min": "negative sold count",
}

# ---------------------------------------------------------------------------------------------
# Columns


def _key(name: str) -> str:
    return " ".join(name.lower().replace("\ufeff", "").split())


def find_columns(columns: list[str]) -> dict[str, list[str]]:
    """Field -> the file's columns for it, most trusted first."""
    by_key = {_key(c): c for c in columns}
    found = {
        field: [by_key[a] for a in aliases if a in by_key]
        for field, aliases in HEADER_ALIASES.items()
    }
    found["price"] = [by_key[k] for k in _PRICE_ORDER if k in by_key]
    return {f: cols for f, cols in found.items() if cols}


def _is_listing_header(cells: list[str]) -> bool:
    found = find_columns(cells)
    return "title" in found and ("price" in found or "seller" in found)


# ---------------------------------------------------------------------------------------------
# Parsing expressions (vectorised: they run on millions of rows)


def parse_price(text: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(price in rupiah as Float64, asks for a message, is a range) from price text."""
    t = text.str.to_lowercase().str.strip_chars()
    ask = t.str.contains(r"\b(harga ?dm|dm|nego|tanya|chat|inbox|pm|hubungi)\b").fill_null(False)
    is_range = t.str.contains(
        r"\d\s*(rb|ribu|k|jt|juta|m|miliar)?\s*(-|–|s/?d|sampai|hingga)\s*(rp\.?)?\s*\d"
    ).fill_null(False)
    compact = t.str.replace_all(r"rp\.?|idr|\s|,-|\.-", "")
    parts = compact.str.extract_groups(r"^(-?)(\d[\d.,]*)(rb|ribu|k|jt|juta|m|miliar)?")
    sign, number, word = (parts.struct.field(str(i)) for i in (1, 2, 3))
    multiplier = word.replace_strict(
        {"rb": 1e3, "ribu": 1e3, "k": 1e3, "jt": 1e6, "juta": 1e6, "m": 1e9, "miliar": 1e9},
        default=1.0,
        return_dtype=pl.Float64,
    )
    plain = (
        pl.when(word.is_not_null() & number.str.contains(r"^\d+([.,]\d+)?$"))
        .then(number.str.replace(",", ".", literal=True))
        .when(number.str.contains(r"^\d{1,3}([.,]\d{3})+$"))
        .then(number.str.replace_all(r"[.,]", ""))
        .when(number.str.contains(r"^\d{1,3}(\.\d{3})+,\d{1,2}$"))
        .then(number.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .when(number.str.contains(r"^\d{1,3}(,\d{3})+\.\d{1,2}$"))
        .then(number.str.replace_all(",", "", literal=True))
        .when(number.str.contains(r"^\d+[.,]\d{1,2}$"))
        .then(number.str.replace(",", ".", literal=True))
        .when(number.str.contains(r"^\d+$"))
        .then(number)
    )
    value = plain.cast(pl.Float64, strict=False) * multiplier
    value = pl.when(sign == "-").then(-value).otherwise(value)
    return pl.when(ask).then(None).otherwise(value), ask, is_range


def parse_sold(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(sold count, is a lower bound) from `1020`, `10000.0`, `10rb+ terjual`,
    `Terjual 2 rb+`, `1,2rb terjual`."""
    t = text.str.to_lowercase()
    labelled = t.str.extract(r"(\d+(?:[.,]\d+)?\s*(?:rb|ribu|jt|k)?\s*\+?)\s*terjual", 1)
    after = t.str.extract(r"terjual\s*(\d+(?:[.,]\d+)?\s*(?:rb|ribu|jt|k)?\s*\+?)", 1)
    bare = t.str.extract(r"^\s*(\d+(?:\.0+)?)\s*$", 1)
    found = pl.coalesce(labelled, after, bare)
    parts = found.str.extract_groups(r"(\d+(?:[.,]\d+)?)\s*(rb|ribu|jt|k)?\s*(\+)?")
    number, word, plus = (parts.struct.field(str(i)) for i in (1, 2, 3))
    multiplier = word.replace_strict(
        {"rb": 1e3, "ribu": 1e3, "k": 1e3, "jt": 1e6}, default=1.0, return_dtype=pl.Float64
    )
    value = number.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
    return (value * multiplier).round(0).cast(pl.Int64), plus.is_not_null()


_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S",
                 "%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M")  # fmt: skip
_DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d")


def _datetime_text(text: pl.Expr) -> pl.Expr:
    """Date text as the forms expect it: trimmed, time zone and fractions of a second cut."""
    trimmed = text.str.strip_chars()
    return trimmed.str.replace(r"(Z|[+-]\d{2}:?\d{2})$", "").str.replace(r"\.\d+$", "")


def _datetime_readers(t: pl.Expr) -> list[pl.Expr]:
    """One reading per accepted form of text prepared by `_datetime_text`, each null where
    it does not apply."""
    unix = t.cast(pl.Int64, strict=False)
    return [
        pl.when(t.str.contains(r"^\d{10}$")).then(pl.from_epoch(unix, time_unit="s")),
        pl.when(t.str.contains(r"^\d{13}$")).then(pl.from_epoch(unix, time_unit="ms")),
        *(t.str.to_datetime(f, strict=False, time_unit="us") for f in _DATE_FORMATS),
        *(t.str.to_date(f, strict=False).cast(pl.Datetime("us")) for f in _DAY_FORMATS),
    ]


def parse_datetime(text: pl.Expr) -> pl.Expr:
    """Datetime from ISO text (time zone and fractions dropped), day-first dates, or Unix
    seconds or milliseconds; null when unreadable."""
    return pl.coalesce(_datetime_readers(_datetime_text(text)))


def parse_datetimes(text: pl.Series) -> pl.Series:
    """`parse_datetime` over a column, each form tried only on the values the forms before it
    left unread: the same result, without a dozen parses of every value (2 s per million).
    The text is prepared once, not once per form (polars does not share it between them)."""
    frame = text.to_frame("t").select(_datetime_text(pl.col("t")))
    result = pl.Series(text.name, [None] * len(text), dtype=pl.Datetime("us"))
    for reader in _datetime_readers(pl.col("t")):
        unread = (result.is_null() & text.is_not_null()).arg_true()
        if unread.is_empty():
            break
        if len(unread) == len(text):  # nothing read yet: no copy of the whole column
            result = frame.select(reader).to_series().alias(text.name)
        else:
            result = result.scatter(unread, frame[unread].select(reader).to_series())
    return result


@cache
def keyword_rules() -> pl.DataFrame:
    """The keyword table: `rule`, `flag` (secondhand / not_secondhand / import / not_import),
    `pattern` (a regular expression on the normalised title) and `note`."""
    return pl.read_csv(PACKAGE_DATA_DIR / "listing_keywords.csv", infer_schema=False)


def normalize_title(title: pl.Expr) -> pl.Expr:
    """Lower case, words only, and 'seperti baru' / 'like new' read as one word `likenew`
    (said of used goods, so not the 'baru' of new goods)."""
    t = title.str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}%/]+", " ")
    t = t.str.replace_all(r"\b(seperti|kayak|kaya|rasa|kondisi|like)\s+(baru|new)\b", "likenew")
    return t.str.replace_all(r"\s+", " ").str.strip_chars()


def keyword_flags(text: pl.Expr) -> dict[str, pl.Expr]:
    """`is_secondhand`, `mentions_import` and `keyword_rules` from a title already passed
    through `normalize_title` (materialise that column first: repeated inside every rule's
    expression it made this the slowest part of loading, 4 s of 5 on 200,000 rows)."""
    text = text.fill_null("")
    rules = keyword_rules()
    hits = {r["rule"]: text.str.contains(r["pattern"]) for r in rules.iter_rows(named=True)}

    def any_of(flag: str) -> pl.Expr:
        names = rules.filter(pl.col("flag") == flag)["rule"].to_list()
        return pl.any_horizontal([hits[n] for n in names])

    matched = pl.concat_list([pl.when(hit).then(pl.lit(name)) for name, hit in hits.items()])
    return {
        "is_secondhand": any_of("secondhand") & ~any_of("not_secondhand"),
        "mentions_import": any_of("import") & ~any_of("not_import"),
        "keyword_rules": matched.list.drop_nulls(),
    }


def keyword_examples(listings: pl.DataFrame, n: int = 6) -> pl.DataFrame:
    """`title` and `keyword_rules` of the first second-hand listing (in file order) of each
    of the first `n` keyword rules to head a listing's matches, and of the first listing
    whose title holds markup (`<`): what a brief shows of the rules. Worked on those four
    columns only (a national table sorted whole took 1.7 GB)."""
    columns = ["source_file", "source_row", "title", "keyword_rules"]
    rows = listings.lazy().select(*columns, "is_secondhand")
    examples = (
        rows.filter(pl.col("is_secondhand"))
        .select(columns)
        .sort("source_file", "source_row")
        .with_columns(rule=pl.col("keyword_rules").list.first())
        .group_by("rule", maintain_order=True)
        .first()
        .head(n)
    )
    markup = rows.filter(pl.col("title").str.contains("<")).head(1)
    return pl.concat([q.select("title", "keyword_rules") for q in (examples, markup)]).collect()


_PHONE = r"(\+?62|0)8[\d\- ]{7,13}\d"
_MENTION = r"@[A-Za-z0-9_.]{2,30}"


def mask_personal_text(title: pl.Expr) -> pl.Expr:
    """Titles with phone numbers and @mentions masked (they identify sellers)."""
    return title.str.replace_all(_PHONE, "[nomor]").str.replace_all(_MENTION, "@[akun]")


# ---------------------------------------------------------------------------------------------
# Platform


def platform_name(text: pl.Expr) -> pl.Expr:
    """The platform a name or abbreviation stands for (`IG`, `Tokped`, `FB`), else null."""
    return (
        text.str.to_lowercase()
        .str.strip_chars()
        .replace_strict(_PLATFORM_NAMES, default=None, return_dtype=pl.String)
    )


def _platform(raw: pl.DataFrame, found: dict[str, list[str]], path: Path) -> pl.Series:
    """Platform per row: its column, a column of platform names only, the URL, the file name.

    URLs are read only for rows the columns leave open (a regex over every URL of a
    national scrape is costly and usually not needed)."""
    candidates = [platform_name(pl.col(c)) for c in found.get("platform", [])]
    for column in (c for c, t in raw.schema.items() if t == pl.String):
        sample = raw[column].head(10_000).drop_nulls().str.to_lowercase().unique()
        values = set(sample.head(5).to_list())
        if values and values <= set(_PLATFORM_NAMES) and column not in found.get("platform", []):
            candidates.append(platform_name(pl.col(column)))
    platform = (
        raw.select(pl.coalesce(*candidates).alias("_p"))["_p"]
        if candidates
        else pl.Series("_p", [None] * raw.height, dtype=pl.String)
    )
    for column in found.get("url", []) + found.get("profile_url", []):
        if not platform.has_nulls():
            break
        open_rows = platform.is_null()
        domain = raw.filter(open_rows).select(
            platform_name(pl.col(column).str.to_lowercase().str.extract(_DOMAINS, 1))
        )
        platform = platform.scatter(open_rows.arg_true(), domain.to_series())
    stem = path.stem.lower().replace("_", " ")
    from_name = next((p for p in _PLATFORM_NAMES if re.search(rf"\b{p}\b", stem)), None)
    return platform.fill_null(_PLATFORM_NAMES[from_name] if from_name else "other").alias("_p")


def _file_date(path: Path) -> dt.datetime | None:
    """A scrape date written in the file name (`..._2023-12-18.csv`, `..._20251216-...`)."""
    name = path.stem
    for pattern, fmt in ((r"(\d{4}-\d{2}-\d{2})", "%Y-%m-%d"), (r"(\d{2}-\d{2}-\d{4})", "%d-%m-%Y"),
                         (r"(20\d{6})", "%Y%m%d")):  # fmt: skip
        if m := re.search(pattern, name):
            try:
                return dt.datetime.strptime(m[1], fmt)
            except ValueError:
                continue
    return None


# ---------------------------------------------------------------------------------------------
# Reading


def _read(path: Path) -> pl.DataFrame:
    """Any supported export as all-text columns."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            frame = pl.read_parquet(path)
        elif suffix in (".jsonl", ".ndjson", ".json"):
            frame = pl.read_ndjson(path, infer_schema_length=10_000)
        else:
            return read_table(path, _is_listing_header)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise DataError(path, f"not a readable {suffix} file: {exc}") from exc
    # nested values (lists of tags, structs) are not listing fields; everything else as text
    text = frame.select(
        pl.col(c).cast(pl.String)
        for c in frame.columns
        if not isinstance(frame.schema[c], pl.List | pl.Struct | pl.Array)
    )
    return text.with_columns(pl.all().str.strip_chars().replace("", None))


def _first(columns: list[str]) -> pl.Expr:
    return pl.coalesce([pl.col(c) for c in columns]) if columns else pl.lit(None, pl.String)


def _per_distinct(
    frame: pl.DataFrame, columns: list[str], *stages: dict[str, pl.Expr]
) -> pl.DataFrame:
    """The columns of `stages` (expressions over `columns` and earlier stages' columns),
    evaluated once per distinct combination of the values of `columns` and returned row for
    row with `frame`."""
    names = [name for stage in stages for name in stage]
    distinct = frame.select(columns).unique() if columns else pl.DataFrame({"_k": [0]})
    for stage in stages:
        distinct = distinct.with_columns(**stage)
    if not columns:  # no such column in the file: the expressions are constants
        return frame.with_columns(_k=pl.lit(0)).select("_k").join(distinct, on="_k").select(names)
    joined = frame.select(columns).join(
        distinct, on=columns, how="left", nulls_equal=True, maintain_order="left"
    )
    return joined.select(names)


def _price_columns(columns: list[str]) -> tuple[pl.Expr, pl.Expr]:
    """(price, price text): the first price the columns give, in the order they are trusted,
    and the text of the first column that is not empty, whose ask and range the listing has.
    A zero in a discount column means no discount: that column then holds no price."""
    if not columns:
        return pl.lit(None, pl.Float64), pl.lit(None, pl.String)
    values, texts = [], []
    for column in columns:
        value, _, _ = parse_price(pl.col(column))
        text = pl.col(column)
        if _key(column) in _DISCOUNT_COLUMNS:
            text = pl.when(~(value <= 0).fill_null(False)).then(text)
            value = pl.when(value > 0).then(value)
        values.append(value)
        texts.append(text)
    return pl.coalesce(values), pl.coalesce(texts)


def load_listings(path: str | Path, where: Paths | None = None) -> Loaded:
    """Load one listings export as clean, pseudonymised listings (see the module docstring).

    `where` names the reference data and the private folder of the pseudonymisation key
    (default: the environment's)."""
    path = Path(path)
    return clean_listings(_read(path), path, where)


def clean_listings(
    raw: pl.DataFrame,
    path: Path,
    where: Paths | None = None,
    *,
    first_row: int = 1,
    reposts: bool = True,
) -> Loaded:
    """`load_listings` on an all-text frame already read from `path`: the whole file, or a
    chunk of it starting at `first_row` (then `reposts=False`: reposts are found across
    the chunks afterwards, see `loaders.listings_stream`)."""
    found = find_columns(raw.columns)
    if "title" not in found or not ({"price", "seller"} & set(found)):
        raise DataError(
            path,
            f"not a listings export: found ({', '.join(raw.columns[:12])}); expected a title "
            f"column ({', '.join(HEADER_ALIASES['title'])}) and a price or seller column",
        )
    key = pseudonym_key(where)
    platform = _platform(raw, found, path)
    # Personal columns are replaced before anything is kept, the quarantine included.
    sellers = found.get("seller", [])
    handle = raw.with_columns(_first(sellers).alias("_h"))["_h"] if sellers else None
    seller_id = pseudonymise(platform, handle, key) if handle is not None else None
    personal = {c: pl.lit(None, pl.String) for c in sellers}
    if seller_id is not None and sellers:
        personal[sellers[0]] = pl.lit(seller_id)
    for c in found.get("url", []) + found.get("profile_url", []):
        personal[c] = pl.when(pl.col(c).is_not_null()).then(pl.lit("[redacted]"))
    rows = RawRows.of(raw.with_columns(**personal) if personal else raw, path, first_row)
    private = _personal(raw, found, rows.rows.select(FILE, ROW), platform, handle, seller_id)

    parsed = _parse(rows.kept, platform.gather(rows.kept[ROW] - first_row), found, path, where)
    clean, reasons = validate(ListingSchema, parsed, RULE_MESSAGES)
    del parsed  # the largest frame: freed before repost detection copies the clean rows
    dropped = 0
    if reposts:
        clean, dropped = drop_reposts(clean)
    return rows.loaded(
        clean if clean[ROW].is_sorted() else clean.sort(ROW),  # (a sort copies the table)
        reasons,
        merged=dropped,
        info={"format": path.suffix.lower().lstrip("."), "reposts": dropped},
        personal=private,
    )


def _personal(
    raw: pl.DataFrame,
    found: dict[str, list[str]],
    numbered: pl.DataFrame,
    platform: pl.Series,
    handle: pl.Series | None,
    seller_id: pl.Series | None,
) -> pl.DataFrame | None:
    """Per raw row with a seller (`numbered`: its file and row, from `RawRows`): its
    pseudonym, platform, handle, profile URL and listing URL, for the private seller map
    (`privacy.save_seller_map`)."""
    if handle is None or seller_id is None:
        return None
    urls = raw.with_columns(  # (not `select`: with no URL column, two nulls would be one row)
        profile_url=_first(found.get("profile_url", [])), url=_first(found.get("url", []))
    ).select("profile_url", "url")
    return (
        pl.concat([numbered, urls], how="horizontal")
        .with_columns(seller_id=seller_id, platform=platform, handle=handle)
        .filter(pl.col("seller_id").is_not_null())
    )


def _parse(
    kept: pl.DataFrame,
    platform: pl.Series,
    found: dict[str, list[str]],
    path: Path,
    where: Paths | None,
) -> pl.DataFrame:
    first_seller = found.get("seller", [None])[0]
    price, price_text = _price_columns(found.get("price", []))
    _, ask, is_range = parse_price(price_text)
    price = pl.when(ask).then(None).otherwise(price)
    sold, lower = parse_sold(_first(found.get("sold", [])))
    posted_text = _first(found.get("posted_at", []))
    scraped_text = _first(found.get("scraped_at", []))
    file_date = _file_date(path)
    title = _first(found.get("title", []))
    now = dt.datetime.now() + dt.timedelta(days=1)
    # Parsed once per distinct text into columns, then referred to: the reasons use each
    # again, polars does not share such sub-expressions inside when/then chains, and scrapes
    # repeat their prices, titles and dates (text parsing is where loading spends its time).
    titles = found.get("title", [])
    parsed = pl.concat(
        [
            _per_distinct(kept, found.get("price", []),
                          {"_price": price, "_ask": ask, "_range": is_range}),
            _per_distinct(kept, found.get("sold", []), {"_sold": sold, "_lower": lower}),
            parse_datetimes(kept.with_columns(_t=posted_text)["_t"]).to_frame("_posted"),
            parse_datetimes(kept.with_columns(_t=scraped_text)["_t"]).to_frame("_scraped"),
            _per_distinct(
                kept,
                titles,
                {"_title_norm": normalize_title(title), "_title_masked": mask_personal_text(title)},
                keyword_flags(pl.col("_title_norm")),
            ),
        ],
        how="horizontal",
    )  # fmt: skip
    price, ask, is_range, sold, lower, posted, scraped = (
        pl.col(n) for n in ("_price", "_ask", "_range", "_sold", "_lower", "_posted", "_scraped")
    )

    def bad_date(text: pl.Expr, value: pl.Expr, name: str) -> list[tuple[pl.Expr, pl.Expr]]:
        return [
            (
                text.is_not_null() & value.is_null(),
                pl.format(f"{name} is not a date: '{{}}'", text),
            ),
            (value > now, pl.format(f"{name} lies in the future: '{{}}'", text)),
            (value < EARLIEST, pl.format(f"{name} is before 2005: '{{}}'", text)),
        ]

    reason = first_problem(
        (title.is_null(), "no title"),
        (
            _first(found.get("price", [])).is_not_null() & price.is_null() & ~ask,
            pl.format("price is not a price: '{}'", _first(found.get("price", []))),
        ),
        *bad_date(posted_text, posted, "posted_at"),
        *bad_date(scraped_text, scraped, "scraped_at"),
    )
    origin = _first(found.get("data_origin", [])).str.to_lowercase()
    frame = (
        pl.concat([kept, parsed], how="horizontal")
        .lazy()
        .with_columns(platform.alias("_platform"))
        .select(
            pl.col("_platform").alias("platform"),
            _first(found.get("listing_id", [])).alias("listing_id"),
            (pl.col(first_seller) if first_seller else pl.lit(None, pl.String)).alias("seller_id"),
            pl.col("_title_masked").alias("title"),
            price.round(0).cast(pl.Int64, strict=False).alias("price_idr"),
            ask.alias("price_ask"),
            is_range.alias("price_range"),
            sold.alias("sold"),
            lower.fill_null(False).alias("sold_lower_bound"),
            _first(found.get("location", [])).alias("location"),
            posted.alias("posted_at"),
            pl.coalesce(scraped, pl.lit(file_date, dtype=pl.Datetime("us"))).alias("scraped_at"),
            "is_secondhand",
            "mentions_import",
            "keyword_rules",
            (origin == "synthetic").fill_null(False).alias("synthetic"),
            pl.col(FILE),
            pl.col(ROW),
            reason.alias(REASON),
        )
        .collect()
    )
    regions = resolve_regions(frame["location"], where).select(
        "kabkota_code", "province_code", pl.col("match").alias("region_match")
    )
    return pl.concat([frame, regions], how="horizontal")


def repost_keys(clean: pl.DataFrame) -> pl.DataFrame:
    """What repost detection needs of each clean row, narrow enough for tens of millions of
    rows: the row, two independent 64-bit hashes of (seller, normalised title, price) and
    of (platform, listing id), whether it has a seller, and its date."""
    titles = _per_distinct(clean, ["title"], {"_title": normalize_title(pl.col("title"))})
    group = pl.struct(pl.col("seller_id"), titles["_title"], pl.col("price_idr"))
    listing = pl.struct("platform", "listing_id")
    has_id = pl.col("listing_id").is_not_null()
    return clean.select(
        pl.col(ROW),
        group.hash(seed=1).alias("_g1"),
        group.hash(seed=2).alias("_g2"),
        pl.col("seller_id").is_not_null().alias("_seller"),
        pl.coalesce("posted_at", "scraped_at").alias("_when"),
        pl.when(has_id).then(listing.hash(seed=1)).alias("_l1"),
        pl.when(has_id).then(listing.hash(seed=2)).alias("_l2"),
    )


def repost_flags(keys: pl.DataFrame, days: int = REPOST_DAYS) -> pl.Series:
    """For `repost_keys` rows in file order: is the row a repost (see `drop_reposts`)?"""
    return (group_reposts(keys, days) | repeated_ids(keys)).alias("repost")


def group_reposts(keys: pl.DataFrame, days: int = REPOST_DAYS) -> pl.Series:
    """Rows (in file order) that repeat an earlier row's seller, normalised title and price
    within `days`. Every row of a group must be in `keys`; other groups need not be.

    Groups are compared by two independent 64-bit hashes (sorting on them is several times
    faster than on the strings); two different groups share both with odds of about
    n^2 / 2^129, nil for any scrape."""
    group = ["_g1", "_g2"]
    ordered = keys.with_columns(_i=pl.int_range(pl.len())).sort(*group, "_when", "_i",
                                                                nulls_last=True)  # fmt: skip
    same_group = pl.all_horizontal(pl.col(c) == pl.col(c).shift(1) for c in group)
    gap = pl.col("_when") - pl.col("_when").shift(1)
    repost = (
        pl.col("_seller")
        & same_group.fill_null(False)
        & (
            (gap <= pl.duration(days=days)).fill_null(False)
            | (pl.col("_when").is_null() & pl.col("_when").shift(1).is_null())
        )
    )
    return ordered.select("_i", _r=repost).sort("_i")["_r"]


def repeated_ids(keys: pl.DataFrame) -> pl.Series:
    """Rows (in file order) whose platform and listing id an earlier row already had."""
    return keys.select(
        pl.col("_l1").is_not_null() & ~pl.struct("_l1", "_l2").is_first_distinct()
    ).to_series()


def drop_reposts(clean: pl.DataFrame, days: int = REPOST_DAYS) -> tuple[pl.DataFrame, int]:
    """Listings without their reposts, and how many were dropped.

    A repost is a listing of the same seller with the same normalised title and price as an
    earlier one posted at most `days` before (listings without a date: the same day), or a
    listing id seen before on the same platform. Worked on a narrow key frame
    (`repost_keys`), never on a sorted copy of the whole table."""
    drop = repost_flags(repost_keys(clean), days)
    return clean.filter(~drop), int(drop.sum())
