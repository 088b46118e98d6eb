"""Boundaries of the 38 provinces and 514 kab/kota: loaded from the reference folder,
validated, and simplified once for the web.

`validate` checks what a map and a spatial statistic rely on: the expected number of regions,
unique codes, valid geometries, every kab/kota inside its province (by a representative
point), codes that nest, and kab/kota populations that add up to their province. A broken
file stops with a `DataError` listing every problem found.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import polars as pl
import shapely

from thriftwatch.catalog import write_atomic
from thriftwatch.config import Paths, paths
from thriftwatch.errors import DataError
from thriftwatch.reference import population
from thriftwatch.snapshots import sha256

FILES = {"province": "idn_provinsi_38_2025.geojson", "kabkota": "idn_kabkota_514_2025.geojson"}
EXPECTED = {"province": 38, "kabkota": 514}
#: Simplification for the web, in degrees (about 3 km and 1.5 km): enough for a national or
#: provincial choropleth, small enough to embed several maps in one brief.
WEB_TOLERANCE = {"province": 0.03, "kabkota": 0.015}
#: A representative point may sit this far (degrees) outside its province: the upstream
#: simplified neighbours independently, leaving slivers along borders.
CONTAINMENT_SLACK = 0.02


def boundaries(level: str, where: Paths | None = None) -> gpd.GeoDataFrame:
    """Boundaries at `level` (province / kabkota) with columns `code`, `name`,
    `province_code` and `geometry` (WGS84)."""
    path = (where or paths()).reference_file(FILES[level])
    frame = gpd.read_file(path)
    if level == "province":
        frame = frame.rename(columns={"kode_prov": "code", "nama_prov": "name"})
        frame["province_code"] = frame["code"]
    else:
        frame = frame.rename(
            columns={"kode_kabkota": "code", "nama_kabkota": "name", "kode_prov": "province_code"}
        )
    for column in ("code", "province_code"):
        frame[column] = frame[column].astype(str)
    return frame[["code", "name", "province_code", "geometry"]]


def problems(
    provinces: gpd.GeoDataFrame, kabkota: gpd.GeoDataFrame, people: pl.DataFrame
) -> list[str]:
    """Everything wrong with a set of boundaries and populations (empty when sound)."""
    found: list[str] = []
    for level, frame in (("province", provinces), ("kabkota", kabkota)):
        if (n := len(frame)) != (expected := EXPECTED[level]):
            found.append(f"{level}: expected {expected} regions, got {n}")
        duplicated = frame["code"][frame["code"].duplicated()].tolist()
        if duplicated:
            found.append(f"{level}: duplicated codes {duplicated[:5]}")
        invalid = frame.loc[~frame.geometry.is_valid, "code"].tolist()
        if invalid:
            found.append(f"{level}: invalid geometries for {invalid[:5]}")
        empty = frame.loc[frame.geometry.is_empty | frame.geometry.isna(), "code"].tolist()
        if empty:
            found.append(f"{level}: empty geometries for {empty[:5]}")
    misnested = kabkota.loc[kabkota["code"].str[:2] != kabkota["province_code"], "code"].tolist()
    if misnested:
        found.append(f"kabkota: codes not under their province code {misnested[:5]}")
    if found:  # the containment check needs sound geometries
        return found
    inside = kabkota.set_geometry(kabkota.geometry.representative_point()).sjoin(
        provinces[["code", "geometry"]].rename(columns={"code": "containing"}),
        how="left",
        predicate="within",
    )
    own = inside.groupby("code")["containing"].apply(set)
    suspects = [c for c, p in zip(kabkota["code"], kabkota["province_code"], strict=True)
                if p not in own.get(c, set())]  # fmt: skip
    shells = provinces.set_index("code").geometry
    outside = [
        code
        for code in suspects
        if (prov := code[:2]) not in shells.index
        or shells[prov].distance(kabkota.set_index("code").geometry[code].representative_point())
        > CONTAINMENT_SLACK
    ]
    if outside:
        found.append(f"kabkota: not inside their province {outside[:5]}")
    totals = people.with_columns(pl.col("kode").str.slice(0, 2).alias("province"))
    sums = (
        totals.filter(pl.col("level") == "kabkota")
        .group_by("province")
        .agg(pl.col("penduduk_total").sum().alias("sum"))
        .join(
            totals.filter(pl.col("level") == "provinsi").select(
                pl.col("kode").alias("province"), "penduduk_total"
            ),
            on="province",
            how="full",
            coalesce=True,
        )
        .filter(pl.col("sum") != pl.col("penduduk_total"))
    )
    if sums.height:
        unequal = sums["province"].to_list()[:5]
        found.append(f"population: kab/kota do not add up to the province for {unequal}")
    return found


def validate(where: Paths | None = None) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Both boundary levels, checked; a `DataError` names every problem."""
    where = where or paths()
    provinces, kabkota = boundaries("province", where), boundaries("kabkota", where)
    found = problems(provinces, kabkota, population(where))
    if found:
        raise DataError(where.refdata, "reference boundaries fail validation: " + "; ".join(found))
    return provinces, kabkota


#: Islands smaller than this (square degrees, about 4 km²) are left off web maps, unless a
#: region has nothing larger: at national scale they are invisible and cost megabytes.
SPECK = 0.0003


def _without_specks(geometry: shapely.Geometry) -> shapely.Geometry:
    parts = list(getattr(geometry, "geoms", [geometry]))
    kept = [p for p in parts if p.area >= SPECK] or [max(parts, key=lambda p: p.area)]
    return shapely.MultiPolygon(kept) if len(kept) > 1 else kept[0]


def web_geojson(level: str, where: Paths | None = None) -> dict:
    """Simplified GeoJSON of a level for plotly (`featureidkey="properties.code"`), computed
    once per source file and tolerance and cached under `data/processed/geo/`."""
    where = where or paths()
    source = where.reference_file(FILES[level])
    tolerance = WEB_TOLERANCE[level]
    cache = where.processed / "geo" / f"{level}.geojson"
    stamp = cache.with_suffix(".source.json")
    key = {"sha256": sha256(source), "tolerance": tolerance}
    if cache.is_file() and stamp.is_file() and json.loads(stamp.read_text()) == key:
        return json.loads(cache.read_text())
    frame = boundaries(level, where)
    frame = frame.set_geometry(frame.geometry.apply(_without_specks))
    simple = frame.geometry.simplify(tolerance, preserve_topology=True)
    frame = frame.set_geometry(shapely.set_precision(simple.values, 0.001))
    document = json.loads(frame[["code", "name", "province_code", "geometry"]].to_json())
    for feature in document["features"]:
        feature.pop("id", None)
    write_atomic(cache, json.dumps(document, separators=(",", ":")).encode())
    write_atomic(stamp, json.dumps(key).encode())
    return document


def points(level: str, where: Paths | None = None) -> pl.DataFrame:
    """A representative point per region (`code`, `lon`, `lat`): always inside the polygon,
    unlike a centroid on an archipelago."""
    frame = boundaries(level, where)
    point = frame.geometry.representative_point()
    return pl.DataFrame({"code": frame["code"].tolist(), "lon": point.x.tolist(),
                         "lat": point.y.tolist()})  # fmt: skip


def cache_path(level: str, where: Paths | None = None) -> Path:
    """Where the simplified GeoJSON of a level is cached."""
    return (where or paths()).processed / "geo" / f"{level}.geojson"
