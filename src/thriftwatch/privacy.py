"""Seller handles are personal data: they are replaced on load by keyed pseudonyms.

`seller_id` = HMAC-SHA256 of `platform:handle` under a secret key, so the same seller gets the
same id in every file and run, and nobody without the key can go back from id to handle or
test a guessed handle. The key comes from `THRIFTWATCH_PSEUDONYM_KEY`, or from a file
generated once in the private folder (`THRIFTWATCH_PRIVATE_DIR`, default `private/`,
git-ignored, mode 600). Whoever holds the key can re-identify sellers; keep it with the
people entitled to act on the data (see the README).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import polars as pl

from thriftwatch.config import Paths, paths

KEY_ENV = "THRIFTWATCH_PSEUDONYM_KEY"
KEY_FILE = "pseudonym.key"
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
