"""Place text -> Kemendagri region codes: `resolve_regions(texts)`.

Sellers, agencies and journalists write places in many ways: `Kab. Bandung`, `KOTA JAKARTA
BARAT`, `Sumur Batu, Kota Jakarta Pusat`, `Jaksel`, `Cikarang Bekasi`, `📍 Bdg`,
`Belawan, Medan`. The resolver reads the reference code table (`THRIFTWATCH_REFDATA`) plus an
alias table kept as package data (`data/region_aliases.csv`: abbreviations, districts, campus
towns, ports) and answers one row per input with a `match` of:

- `exact`: a full name (`Kota Bandung`, `Kab. Bekasi`) or a bare name only one kab/kota has;
- `alias`: an abbreviation, district, port or spelling variant from the alias table, or a
  bare name that both a kota and a kabupaten carry (`Bandung`, `Bekasi`, `Bogor`, `Malang`):
  by the marketplace convention such a name means the **kota**; the regency is written
  `Kab. X`. A province named in the same text picks the one in that province instead;
- `fuzzy`: a misspelling close enough to one name (rapidfuzz ratio >= 90 and clearly ahead of
  the next name); anything less certain is `none`, never a guess;
- `province`: only a province is named, so `kabkota_code` is null;
- `none`: nothing recognisable (`Indonesia`, garbage, empty): both codes null.

Texts are resolved once per distinct value and joined back, so a column of millions of rows
costs as much as its distinct places.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl
from rapidfuzz import fuzz, process

from thriftwatch.config import PACKAGE_DATA_DIR, Paths, paths
from thriftwatch.reference import papua_renumbering, region_codes

MATCHES = ("exact", "alias", "fuzzy", "province", "none")
FUZZY_CUTOFF = 85.0
#: The best fuzzy candidate must lead the next different region by this many points.
FUZZY_MARGIN = 5.0
MAX_NGRAM = 6

_PREFIXES = {
    "Kabupaten": ("kabupaten", "kab", "kabupaten administrasi", "kab adm"),
    "Kota": ("kota", "kodya", "kotamadya", "kota administrasi", "kota adm", "kotif"),
}
_PROVINCE_PREFIXES = ("provinsi", "prov", "propinsi")
_PREFIX_RE = re.compile(
    r"^(kabupaten administrasi|kota administrasi|kabupaten|kota|provinsi)\s+", re.IGNORECASE
)
#: Words that never locate anything on their own.
_NOISE = {"indonesia", "kab", "kota", "kabupaten", "provinsi", "kec", "kecamatan", "kel", "desa"}


def normalize(text: str) -> str:
    """Lower case, no punctuation or emoji, single spaces: `📍 Kab. Bandung!` -> `kab bandung`."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w\s]|_", " ", text)
    return " ".join(text.split())


def _split(text: str) -> list[str]:
    """The whole text, then its comma-, semicolon- or slash-separated parts, normalised."""
    parts = [text, *re.split(r"[,;/|\n]|\s-\s|\(|\)", text)]
    seen: dict[str, None] = {}
    for part in parts:
        if key := normalize(part):
            seen.setdefault(key, None)
    return list(seen)


@dataclass(frozen=True)
class Resolved:
    """One resolved place."""

    kabkota_code: str | None
    province_code: str | None
    match: str


@dataclass(order=True)
class _Hit:
    score: float
    length: int
    code: str = field(compare=False)
    match: str = field(compare=False)
    alternatives: tuple[str, ...] = field(default=(), compare=False)


class Gazetteer:
    """Lookup tables built once from the reference codes and the alias table."""

    def __init__(self, codes: pl.DataFrame, papua: pl.DataFrame, aliases: pl.DataFrame) -> None:
        self.province_of: dict[str, str] = {}
        self.full: dict[str, str] = {}
        self.bare: dict[str, list[str]] = {}
        self.provinces: dict[str, str] = {}
        self.squeezed: dict[str, str] = {}
        for row in codes.iter_rows(named=True):
            code, name = row["kode"], row["nama"]
            self.province_of[code] = row["kode_prov"]
            bare = normalize(_PREFIX_RE.sub("", name))
            if row["level"] == "provinsi":
                for key in (
                    normalize(name),
                    *(f"{p} {normalize(name)}" for p in _PROVINCE_PREFIXES),
                ):
                    self.provinces[key] = code
                continue
            self.bare.setdefault(bare, []).append(code)
            for prefix in _PREFIXES[row["jenis"]]:
                self.full[f"{prefix} {bare}"] = code
        self.kind = {r["kode"]: r["jenis"] for r in codes.iter_rows(named=True)}
        for bare, found in self.bare.items():
            self.squeezed.setdefault(bare.replace(" ", ""), self._default(found))
        self.aliases = {normalize(a): c for a, c in aliases.select("alias", "code").iter_rows()}
        self.old_codes = dict(papua.iter_rows())
        self.choices: dict[str, str] = {
            **self.full,
            **{b: self._default(f) for b, f in self.bare.items() if len(b) >= 4},
            **{p: c for p, c in self.provinces.items() if len(p) >= 4},
            **{a: c for a, c in self.aliases.items() if len(a) >= 5},
        }

    def _default(self, found: list[str]) -> str:
        """Of several regions with one bare name, the kota (marketplace convention)."""
        kota = [c for c in found if self.kind[c] == "Kota"]
        return (kota or found)[0]

    def _hits(self, part: str) -> tuple[list[_Hit], list[str]]:
        """Kab/kota hits and province codes named anywhere in one normalised part."""
        hits: list[_Hit] = []
        provinces: list[str] = []
        words = part.split()
        for n in range(min(MAX_NGRAM, len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                gram = " ".join(words[i : i + n])
                if gram in _NOISE:
                    continue
                if gram in self.full:
                    hits.append(_Hit(4, n, self.full[gram], "exact"))
                if gram in self.bare:
                    found = self.bare[gram]
                    if len(found) == 1:
                        hits.append(_Hit(3.5, n, found[0], "exact"))
                    else:
                        hits.append(_Hit(2, n, self._default(found), "alias", tuple(found)))
                if gram in self.aliases:
                    code = self.aliases[gram]
                    if len(code) == 2:
                        provinces.append(code)
                    else:
                        hits.append(_Hit(3, n, code, "alias"))
                if gram in self.provinces:
                    provinces.append(self.provinces[gram])
                squeezed = gram.replace(" ", "")
                if len(squeezed) >= 5 and squeezed in self.squeezed and gram not in self.bare:
                    hits.append(_Hit(2.5, n, self.squeezed[squeezed], "alias"))
        return hits, provinces

    def _known(self, gram: str) -> bool:
        """Whether a text is a name the exact lookups already answer."""
        return any(gram in table for table in (self.full, self.bare, self.aliases, self.provinces))

    def _fuzzy(self, parts: list[str]) -> _Hit | None:
        """The one name a misspelt part is clearly closest to, else None."""
        best: tuple[float, str, int] | None = None
        for part in parts:
            words = part.split()
            for n in range(min(3, len(words)), 0, -1):
                for i in range(len(words) - n + 1):
                    gram = " ".join(words[i : i + n])
                    if len(gram) < 5 or gram in _NOISE or self._known(gram):
                        continue
                    found = process.extract(
                        gram, self.choices.keys(), scorer=fuzz.ratio, limit=5,
                        score_cutoff=FUZZY_CUTOFF - FUZZY_MARGIN,
                    )  # fmt: skip
                    if not found or found[0][1] < FUZZY_CUTOFF:
                        continue
                    top_code = self.choices[found[0][0]]
                    rivals = [s for name, s, _ in found[1:] if self.choices[name] != top_code]
                    if rivals and rivals[0] > found[0][1] - FUZZY_MARGIN:
                        continue
                    if best is None or found[0][1] > best[0]:
                        best = (found[0][1], top_code, len(found[0][0].split()))
        return None if best is None else _Hit(1, best[2], best[1], "fuzzy")

    def resolve(self, text: str | None) -> Resolved:
        """Resolve one place text."""
        if text is None or not (parts := _split(text)):
            return Resolved(None, None, "none")
        code = parts[0].replace(" ", "")
        if code.isdigit() and len(code) in (2, 4):
            code = self.old_codes.get(code, code)
            if code in self.province_of:
                level = len(code) == 4
                return Resolved(code if level else None, self.province_of[code],
                                "exact" if level else "province")  # fmt: skip
        hits: list[_Hit] = []
        provinces: list[str] = []
        for part in parts:
            found, named = self._hits(part)
            hits += found
            provinces += named
        if not hits or max(hits).score <= 2:
            # nothing, or only a province or a name two regions share: a misspelt longer
            # name may say more ('Tangerang Selatn', 'Jakarta Selatn')
            fuzzy = self._fuzzy(parts)
            if (
                fuzzy is not None
                and len(fuzzy.code) == 4
                and (not hits or fuzzy.length > max(hits).length)
            ):
                hits = [fuzzy]
        if hits:
            best = max(hits)
            in_province = [h for h in hits if provinces and self.province_of[h.code] in provinces]
            if provinces and self.province_of[best.code] not in provinces:
                # a province named beside an ambiguous name picks the region inside it
                for alt in best.alternatives:
                    if self.province_of[alt] in provinces:
                        return Resolved(alt, self.province_of[alt], "alias")
                if not in_province:
                    # a named province outweighs a word that happens to name a region
                    # elsewhere ('Polda Metro Jaya, DKI Jakarta' is not Kota Metro, Lampung)
                    return Resolved(None, provinces[0], "province")
                best = max(in_province)
            return Resolved(best.code, self.province_of[best.code], best.match)
        if provinces:
            return Resolved(None, provinces[0], "province")
        fuzzy = self._fuzzy(parts)
        if fuzzy is not None and len(fuzzy.code) == 2:
            return Resolved(None, fuzzy.code, "fuzzy")
        return Resolved(None, None, "none")


@cache
def _gazetteer(codes_file: Path, papua_file: Path) -> Gazetteer:
    where = Paths.from_env({"THRIFTWATCH_REFDATA": str(codes_file.parent)})
    aliases = pl.read_csv(PACKAGE_DATA_DIR / "region_aliases.csv", infer_schema=False)
    return Gazetteer(region_codes(where), papua_renumbering(where), aliases)


def gazetteer(where: Paths | None = None) -> Gazetteer:
    """The gazetteer for the reference folder of `where` (built once per folder)."""
    where = where or paths()
    return _gazetteer(
        where.reference_file("idn_kode_wilayah_prov_kabkota_2025.csv"),
        where.reference_file("idn_kabkota_kode_2022_ke_2025.csv"),
    )


RESOLVED_SCHEMA = {
    "text": pl.String,
    "kabkota_code": pl.String,
    "province_code": pl.String,
    "match": pl.Enum(MATCHES),
}


def resolve_regions(
    texts: Iterable[str | None] | pl.Series, where: Paths | None = None
) -> pl.DataFrame:
    """One row per input text, in order: `text`, `kabkota_code`, `province_code` (Kemendagri
    codes as strings) and `match` (exact / alias / fuzzy / province / none)."""
    series = texts if isinstance(texts, pl.Series) else pl.Series(list(texts), dtype=pl.String)
    series = series.cast(pl.String).rename("text")
    g = gazetteer(where)
    unique = series.unique(maintain_order=True)
    answers = [g.resolve(t) for t in unique.to_list()]
    table = pl.DataFrame(
        {
            "text": unique,
            "kabkota_code": [a.kabkota_code for a in answers],
            "province_code": [a.province_code for a in answers],
            "match": [a.match for a in answers],
        },
        schema=RESOLVED_SCHEMA,
    )
    return series.to_frame().join(table, on="text", how="left", nulls_equal=True,
                                  maintain_order="left")  # fmt: skip
