"""Seller handles are personal data: they are replaced on load by keyed pseudonyms.

`seller_id` = HMAC-SHA256 of `platform:handle` under a secret key, so the same seller gets the
same id in every file and run, and nobody without the key can go back from id to handle or
test a guessed handle. The key comes from `THRIFTWATCH_PSEUDONYM_KEY`, or from a file
generated once in the private folder (`THRIFTWATCH_PRIVATE_DIR`, default `private/`,
git-ignored, mode 600). Whoever holds the key can re-identify sellers; keep it with the
people entitled to act on the data (see the README).

The **seller map** (`save_seller_map`) is the other private half: `seller_map.parquet`
(seller_id -> platform, handle, profile URL, first and last file) and `listing_urls.parquet`
(the listing URL of each raw row), written beside the key, owner-only, for the one use that
needs names: the takedown list an agency sends to a platform (`thriftwatch takedown`).
Nothing else reads them; they never go to `data/processed/`, a brief or a notebook.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from thriftwatch.config import Paths, paths

KEY_ENV = "THRIFTWATCH_PSEUDONYM_KEY"
KEY_FILE = "pseudonym.key"
SELLER_MAP = "seller_map.parquet"
LISTING_URLS = "listing_urls.parquet"
#: Profile pages by platform, for handles whose export carries no profile URL.
PROFILE_URLS = {
    "instagram": "https://www.instagram.com/{}/",
    "tiktok": "https://www.tiktok.com/@{}",
    "facebook": "https://www.facebook.com/{}",
    "shopee": "https://shopee.co.id/{}",
    "tokopedia": "https://www.tokopedia.com/{}",
}
#: Shop pages by numeric shop id (Shopee exports name sellers by `shopid`).
SHOP_ID_URLS = {"shopee": "https://shopee.co.id/shop/{}"}
#: A handle that can stand in an address; one with spaces or other signs (a shop's display
#: name, `Samsung Official Store`) cannot, and gets no derived profile URL. (A one-word display
#: name passes, and may not be the shop's address: the URL is flagged `profile_url_derived`.)
ADDRESS_HANDLE = r"^[A-Za-z0-9._-]+$"
PREFIX = "s_"


def pseudonym_key(where: Paths | None = None) -> bytes:
    """The pseudonymisation key: from the environment, else the private key file, created
    (random, 256 bits, readable by its owner only) on first use."""
    if value := os.environ.get(KEY_ENV):
        return value.encode()
    folder = (where or paths()).private
    path = folder / KEY_FILE
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        # written whole to a temporary file, then linked into place: a run killed here
        # never leaves an empty key, and of two runs racing, the first key wins
        tmp = folder / f".{KEY_FILE}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    key = path.read_text().strip()
    if not key:
        raise ValueError(f"{path} is empty; remove it to make a new key (pseudonyms change)")
    return key.encode()


def normalize_handle(handle: str) -> str:
    """Handles compared without case, surrounding blanks or a leading `@`."""
    return handle.strip().lstrip("@").strip().lower()


def pseudonym(platform: str, handle: str, key: bytes) -> str:
    """The keyed pseudonym of one seller on one platform."""
    message = f"{platform.lower()}:{normalize_handle(handle)}".encode()
    return PREFIX + hmac.new(key, message, hashlib.sha256).hexdigest()[:20]


def pseudonymise(platforms: pl.Series, handles: pl.Series, key: bytes) -> pl.Series:
    """Pseudonyms for aligned platform and handle columns (null where the handle is), each
    distinct pair hashed once."""
    pairs = pl.DataFrame({"platform": platforms, "handle": handles})
    distinct = pairs.unique().drop_nulls()
    ids = [pseudonym(p, h, key) for p, h in distinct.iter_rows()]
    table = distinct.with_columns(seller_id=pl.Series(ids, dtype=pl.String))
    joined = pairs.join(table, on=["platform", "handle"], how="left", maintain_order="left")
    return joined["seller_id"]


def private_dir(where: Paths | None = None) -> Path:
    """The private folder (key, seller map), created owner-only."""
    folder = (where or paths()).private
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


class SellerMapMissingError(FileNotFoundError):
    """The private seller map is not there (or not readable by this user)."""


def write_private(frame: pl.DataFrame | pl.LazyFrame, path: Path) -> None:
    """Write a parquet file readable by its owner only, whole or not at all (a lazy frame
    is streamed to it, for personal data larger than memory)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    if isinstance(frame, pl.LazyFrame):
        os.close(fd)
        frame.sink_parquet(tmp)  # into the owner-only file made above
        fd = os.open(tmp, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
    else:
        with os.fdopen(fd, "wb") as handle:
            frame.write_parquet(handle)
            handle.flush()
            os.fsync(handle.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def save_seller_map(
    personal: Sequence[pl.DataFrame | pl.LazyFrame], where: Paths | None = None
) -> dict[str, int]:
    """Write the seller map and the listing URLs of loaded listings (`Loaded.personal`, or
    scans of the files `stream_listings` wrote) to the private folder, replacing the
    previous ones; how many sellers and URLs. The listing URLs are streamed to disk; the
    seller map is built from the five columns it needs."""
    folder = private_dir(where)
    rows = pl.concat([p.lazy() for p in personal], how="vertical") if personal else None
    if rows is None or rows.select(pl.len()).collect().item() == 0:
        for name in (SELLER_MAP, LISTING_URLS):
            (folder / name).unlink(missing_ok=True)
        return {"sellers": 0, "listing_urls": 0}
    handle = pl.col("handle").str.strip_chars().str.strip_prefix("@")
    pattern = pl.coalesce(
        pl.when(handle.str.contains(r"^\d+$")).then(
            pl.col("platform").replace_strict(SHOP_ID_URLS, default=None, return_dtype=pl.String)
        ),
        pl.col("platform").replace_strict(PROFILE_URLS, default=None, return_dtype=pl.String),
    )
    derived = pl.when(handle.str.contains(ADDRESS_HANDLE)).then(
        pattern.str.replace("{}", handle, literal=True)
    )
    sellers = (
        rows.select("seller_id", "platform", "handle", "profile_url", "source_file")
        .collect()
        .group_by("seller_id", maintain_order=True)
        .agg(
            pl.col("platform").first(),
            pl.col("handle").first(),
            pl.col("profile_url").drop_nulls().first(),
            pl.col("source_file").first().alias("first_file"),
            pl.col("source_file").last().alias("last_file"),
        )
        .with_columns(
            profile_url_derived=pl.col("profile_url").is_null() & derived.is_not_null(),
            profile_url=pl.coalesce("profile_url", derived),
        )
    )
    urls = rows.filter(pl.col("url").is_not_null()).select("source_file", "source_row",
                                                             "seller_id", "url")  # fmt: skip
    write_private(sellers, folder / SELLER_MAP)
    write_private(urls, folder / LISTING_URLS)
    n_urls = pl.scan_parquet(folder / LISTING_URLS).select(pl.len()).collect().item()
    return {"sellers": sellers.height, "listing_urls": n_urls}


def read_seller_map(where: Paths | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The private seller map and listing URLs; `SellerMapMissingError` saying what to do
    when they are not there."""
    folder = (where or paths()).private
    try:
        return pl.read_parquet(folder / SELLER_MAP), pl.read_parquet(folder / LISTING_URLS)
    except (FileNotFoundError, PermissionError) as exc:
        raise SellerMapMissingError(
            f"no private seller map in {folder} ({exc.__class__.__name__}). It is written by "
            "`thriftwatch run` beside the pseudonymisation key, and only there: run "
            "`thriftwatch run --force` on the machine that holds the key, as someone entitled "
            "to see seller names (README, 'Personal data')."
        ) from exc
