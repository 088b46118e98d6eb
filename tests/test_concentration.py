"""Concentration measures against hand-computed values, spatial statistics on known
patterns, boundary validation on broken files, and the greater Bandung figures of a run."""

from __future__ import annotations

import collections
import dataclasses
import json
import math
import shutil

import polars as pl
import pytest

from thriftwatch import DataError, catalog, concentration, geo, suppression


def regions(*rows):
    return pl.DataFrame(rows, schema=["code", "name", "province_code", "population"], orient="row")


def units(**counts):
    return pl.DataFrame({"kabkota_code": [c for c, n in counts.items() for _ in range(n)]})


def test_shares_rates_and_location_quotients_by_hand():
    table = concentration.region_table(
        units(a=3, b=1),
        regions(("a", "A", "p", 100_000), ("b", "B", "p", 300_000), ("c", "C", "q", 100_000)),
    ).sort("code")
    assert table["count"].to_list() == [3, 1, 0]  # a region without sellers is a zero
    assert table["share"].to_list() == [0.75, 0.25, 0.0]
    assert table["per_100k"].to_list() == [3.0, pytest.approx(1 / 3), 0.0]
    # share of sellers / share of population: 0.75 / 0.2 and 0.25 / 0.6
    assert table["lq"].to_list() == [pytest.approx(3.75), pytest.approx(0.25 / 0.6), 0.0]
    assert table["small"].to_list() == [True, True, False]


def test_hhi_and_top_shares_by_hand():
    counts = pl.Series([5, 3, 2])
    measures = concentration.hhi(counts)
    assert measures["hhi"] == pytest.approx(0.25 + 0.09 + 0.04)
    assert measures["hhi_normalised"] == pytest.approx((0.38 - 1 / 3) / (1 - 1 / 3))
    assert measures["equivalent_regions"] == pytest.approx(1 / 0.38)
    assert concentration.top_share(counts, 1) == 0.5
    assert concentration.top_share(counts, 2) == 0.8
    assert concentration.hhi(pl.Series([7, 0, 0, 0]))["hhi_normalised"] == pytest.approx(1.0)


def test_gini_and_theil_of_rates_by_hand():
    table = pl.DataFrame({"per_100k": [1.0, 1.0, 1.0, 10.0], "province_code": ["p", "p", "q", "q"]})
    measures = concentration.inequality_measures(table)
    # sum over ordered pairs |xi - xj| / (2 n^2 mean) = 54 / (2 * 16 * 3.25)
    assert measures["gini"] == pytest.approx(54 / 104)
    mean = 13 / 4
    theil = sum(x / mean * math.log(x / mean) for x in (1, 1, 1, 10)) / 4
    assert measures["theil"] == pytest.approx(theil)
    assert measures["theil_between"] + measures["theil_within"] == pytest.approx(theil)


def test_small_cells_are_suppressed_for_publication():
    table = pl.DataFrame(
        {
            "code": list("abcd"),
            "count": [0, 1, 4, 5],
            "share": [0.0, 0.1, 0.4, 0.5],
            "per_100k": [0.0, 1.0, 4.0, 5.0],
            "lq": [0.0, 0.5, 2.0, 2.5],
        }
    )
    published = suppression.suppress(table)
    assert published["count"].to_list() == [0, None, None, 5]
    assert published["lq"].to_list() == [0.0, None, None, 2.5]
    assert published["suppressed"].to_list() == [False, True, True, False]


def grid(values):
    side = int(len(values) ** 0.5)
    codes = [f"g{i:03d}" for i in range(len(values))]
    points = pl.DataFrame({"code": codes, "lon": [float(i % side) for i in range(len(values))],
                           "lat": [float(i // side) for i in range(len(values))]})  # fmt: skip
    table = pl.DataFrame({"code": codes, "per_100k": values})
    return table, points


def test_morans_i_finds_clusters_and_checkerboards():
    side = 10
    halves = [10.0 if i % side < side // 2 else 0.0 for i in range(side * side)]
    stats, _ = concentration.spatial_autocorrelation(*grid(halves), k=4, permutations=199)
    assert stats["moran_i"] > 0.7 and stats["moran_p"] < 0.01
    checker = [10.0 if (i % side + i // side) % 2 else 0.0 for i in range(side * side)]
    stats, _ = concentration.spatial_autocorrelation(*grid(checker), k=4, permutations=199)
    assert stats["moran_i"] < -0.7


def test_lisa_and_gstar_mark_a_hot_block():
    side = 10
    block = {r * side + c for r in range(4, 7) for c in range(4, 7)}
    values = [10.0 if i in block else float(i % 3) / 10 for i in range(side * side)]
    _, local = concentration.spatial_autocorrelation(*grid(values), k=4, permutations=499)
    centre = local.filter(pl.col("code") == f"g{5 * side + 5:03d}").row(0, named=True)
    assert (centre["lisa_cluster"], centre["hotspot"]) == ("HH", "hot")
    far = local.filter(pl.col("code") == "g000").row(0, named=True)
    assert far["lisa_cluster"] != "HH" and far["hotspot"] != "hot"


def test_spatial_statistics_are_reproducible_with_their_seed():
    values = [float((i * 37) % 11) for i in range(100)]
    a, la = concentration.spatial_autocorrelation(*grid(values), permutations=99)
    b, lb = concentration.spatial_autocorrelation(*grid(values), permutations=99)
    assert a == b and la.equals(lb)


def test_a_seller_is_placed_where_most_of_its_listings_are():
    import datetime as dt

    day = dt.datetime(2023, 1, 1)
    listings = pl.DataFrame({
        "seller_id": ["s1", "s1", "s1", "s2", "s2"],
        "kabkota_code": ["3273", "3204", "3273", "3578", "1271"],
        "province_code": ["32", "32", "32", "35", "12"],
        "posted_at": [day, day, day, day + dt.timedelta(days=1), day],
        "scraped_at": [None] * 5, "platform": ["instagram"] * 5,
    }, schema_overrides={"scraped_at": pl.Datetime("us")})  # fmt: skip
    placed = concentration.seller_regions(listings).sort("seller_id")
    assert placed["kabkota_code"].to_list() == ["3273", "1271"]  # tie: the first seen
    assert placed["listings"].to_list() == [3, 2]


# ---------------------------------------------------------------------------------------------
# Reference boundaries


@pytest.fixture
def broken_refdata(refdata, tmp_path):
    folder = tmp_path / "ref"
    shutil.copytree(refdata.refdata, folder)
    return folder, dataclasses.replace(refdata, refdata=folder, processed=tmp_path / "p")


def test_sound_reference_data_validates(refdata):
    provinces, kabkota = geo.validate(refdata)
    assert (len(provinces), len(kabkota)) == (38, 514)


def test_broken_boundaries_fail_loudly_naming_every_problem(broken_refdata):
    folder, where = broken_refdata
    path = folder / geo.FILES["kabkota"]
    document = json.loads(path.read_text())
    features = document["features"]
    by_code = {f["properties"]["kode_kabkota"]: f for f in features}
    by_code["3204"]["properties"]["kode_kabkota"] = "3273"  # a duplicated code
    bow_tie = [[98.6, 3.5], [98.8, 3.7], [98.8, 3.5], [98.6, 3.7], [98.6, 3.5]]
    by_code["1271"]["geometry"] = {"type": "Polygon", "coordinates": [bow_tie]}
    by_code["2171"]["properties"]["kode_prov"] = "32"  # Batam claimed by Jawa Barat
    path.write_text(json.dumps(document))
    with pytest.raises(DataError) as info:
        geo.validate(where)
    message = str(info.value)
    assert "duplicated codes ['3273']" in message
    assert "invalid geometries for ['1271']" in message
    assert "not under their province code ['2171']" in message


def test_a_kabkota_outside_its_province_is_caught(broken_refdata):
    folder, where = broken_refdata
    path = folder / geo.FILES["kabkota"]
    document = json.loads(path.read_text())
    medan = next(f for f in document["features"] if f["properties"]["kode_kabkota"] == "1271")
    in_jawa_barat = [[107.5, -7.0], [107.7, -7.0], [107.7, -6.8], [107.5, -6.8], [107.5, -7.0]]
    medan["geometry"] = {"type": "Polygon", "coordinates": [in_jawa_barat]}
    path.write_text(json.dumps(document))
    with pytest.raises(DataError, match=r"not inside their province \['1271'\]"):
        geo.validate(where)


def test_populations_must_add_up(broken_refdata):
    folder, where = broken_refdata
    path = folder / "idn_penduduk_luas_prov_kabkota_2024.csv"
    rows = path.read_text().splitlines()
    rows[1] = rows[1].replace("5623479", "5623480")  # Aceh's total no longer its kab/kota sum
    path.write_text("\n".join(rows) + "\n")
    from thriftwatch import reference

    reference._read.cache_clear()
    with pytest.raises(DataError, match=r"do not add up to the province for \['11'\]"):
        geo.validate(where)
    reference._read.cache_clear()


def test_web_boundaries_are_small_and_computed_once(refdata, tmp_path):
    where = dataclasses.replace(refdata, processed=tmp_path)
    document = geo.web_geojson("kabkota", where)
    cache = geo.cache_path("kabkota", where)
    stamp = cache.stat().st_mtime_ns
    assert len(document["features"]) == 514
    assert cache.stat().st_size < 700_000  # the source file is 3.5 MB
    assert geo.web_geojson("kabkota", where) == document
    assert cache.stat().st_mtime_ns == stamp


# ---------------------------------------------------------------------------------------------
# A run


def test_greater_bandung_matches_an_independent_count_from_the_listings(built):
    where, _ = built
    listings = catalog.load("listings_clean", where).filter(pl.col("is_secondhand"))
    per_seller: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    first_seen: dict[tuple[str, str], object] = {}
    for row in listings.iter_rows(named=True):
        if row["seller_id"] is None:
            continue
        per_seller[row["seller_id"]][row["kabkota_code"]] += 1
        key, when = (row["seller_id"], row["kabkota_code"]), row["posted_at"] or row["scraped_at"]
        if when is not None and (key not in first_seen or when < first_seen[key]):
            first_seen[key] = when
    home = {}
    for seller, counter in per_seller.items():
        top = max(counter.values())
        tied = [c for c, n in counter.items() if n == top]
        home[seller] = min(tied, key=lambda c: (first_seen.get((seller, c)) is None,
                                                first_seen.get((seller, c)), c or ""))  # fmt: skip
    expected = collections.Counter(home.values())
    mart = catalog.load("concentration_regions", where).filter(
        (pl.col("level") == "kabkota") & (pl.col("unit") == "sellers")
        & pl.col("code").is_in(concentration.GREATER_BANDUNG)
    )  # fmt: skip
    got = dict(zip(mart["code"], mart["count"], strict=True))
    assert got == {c: expected.get(c, 0) for c in concentration.GREATER_BANDUNG}
    assert sum(got.values()) > 0
