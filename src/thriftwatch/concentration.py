"""Where sellers are concentrated, and whether that is more than where people live.

Pure functions, polars frames in and out (the spatial statistics convert to numpy for
PySAL). Every measure is computed for a region table with one row per region, zeros
included: a region where the data show no seller has a count of 0, not a gap.

- `seller_regions`: one row per seller, placed in the kab/kota where most of its listings
  are (ties: the first seen);
- `region_table`: counts, shares, sellers per 100,000 people and the location quotient
  (share of sellers / share of population) per region;
- `concentration_measures`: HHI (normalised, and as an equivalent number of equal regions),
  top-k shares, Gini and Theil of the per-capita rates (Theil split between and within
  provinces);
- `spatial_autocorrelation`: global Moran's I, local Moran (LISA) and Getis-Ord G* on the
  per-capita rates with k-nearest-neighbour weights (Indonesia is islands: contiguity would
  leave many regions without neighbours), permutation p-values with a fixed seed;
- small cells (fewer than `policy.SUPPRESS_BELOW` sellers) are flagged `small`; what is
  published blanks them through `suppression.suppress`.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import numpy as np
import polars as pl

from thriftwatch.policy import SUPPRESS_BELOW

#: Below this many placed sellers, shares and concentration indices describe a handful of
#: accounts rather than a market: briefs say so instead of printing them as findings.
MIN_SELLERS_FOR_MEASURES = 30

#: Greater Bandung: Kota Bandung, Kabupaten Bandung, Kabupaten Bandung Barat, Kota Cimahi,
#: Kabupaten Sumedang.
GREATER_BANDUNG = ("3273", "3204", "3217", "3277", "3211")
KNN = 6
PERMUTATIONS = 999
SEED = 20230315
SIGNIFICANCE = 0.05
#: The columns of `listings_clean` the concentration measures read (and the step loads).
LISTING_COLUMNS = ("platform", "seller_id", "posted_at", "scraped_at", "kabkota_code",
                   "province_code", "is_secondhand", "synthetic")  # fmt: skip


def seller_regions(listings: pl.DataFrame) -> pl.DataFrame:
    """One row per seller: the kab/kota and province where most of its listings are, its
    number of listings, and when it was first and last seen."""
    when = pl.coalesce("posted_at", "scraped_at")
    placed = (
        listings.filter(pl.col("seller_id").is_not_null())
        .with_columns(_when=when)
        .group_by("seller_id", "kabkota_code", "province_code")
        .agg(pl.len().alias("_n"), pl.col("_when").min().alias("_first"))
        .sort("seller_id", "_n", "_first", descending=[False, True, False], nulls_last=True)
        .unique("seller_id", keep="first", maintain_order=True)
        .select("seller_id", "kabkota_code", "province_code")
    )
    stats = (
        listings.filter(pl.col("seller_id").is_not_null())
        .with_columns(_when=when)
        .group_by("seller_id")
        .agg(
            pl.len().alias("listings"),
            pl.col("_when").min().alias("first_seen"),
            pl.col("_when").max().alias("last_seen"),
            pl.col("platform").mode().first().alias("platform"),
        )
    )
    return placed.join(stats, on="seller_id", how="left")


def region_table(
    counts: pl.DataFrame, regions: pl.DataFrame, *, code: str = "kabkota_code"
) -> pl.DataFrame:
    """Per region: `count` (rows of `counts` per `code`), `share`, `population`,
    `per_100k`, `lq` (share of count / share of population) and `small` (count below the
    suppression threshold but above zero).

    `regions` holds every region of the level: `code`, `name`, `province_code`,
    `population`. Rows of `counts` without a region are left out (and counted in
    `unplaced` of `concentration_measures`)."""
    tally = counts.filter(pl.col(code).is_not_null()).group_by(code).len("count")
    table = regions.join(tally.rename({code: "code"}), on="code", how="left").with_columns(
        pl.col("count").fill_null(0)
    )
    total, people = table["count"].sum(), table["population"].sum()
    return table.with_columns(
        share=pl.col("count") / total if total else pl.lit(None, dtype=pl.Float64),
        per_100k=pl.col("count") / pl.col("population") * 100_000,
        lq=(pl.col("count") / total) / (pl.col("population") / people)
        if total
        else pl.lit(None, dtype=pl.Float64),
        small=(pl.col("count") > 0) & (pl.col("count") < SUPPRESS_BELOW),
    ).sort("count", "code", descending=[True, False])


def hhi(counts: pl.Series) -> dict[str, float]:
    """Herfindahl-Hirschman index of shares (0..1), normalised for the number of regions,
    and its equivalent number of equally sized regions."""
    total = counts.sum()
    n = counts.len()
    if not total or n < 2:
        return {"hhi": float("nan"), "hhi_normalised": float("nan"), "equivalent_regions": 0.0}
    shares = counts.cast(pl.Float64) / total
    h = float((shares**2).sum())
    return {"hhi": h, "hhi_normalised": (h - 1 / n) / (1 - 1 / n), "equivalent_regions": 1 / h}


def top_share(counts: pl.Series, k: int) -> float:
    """Share of the `k` largest regions."""
    total = counts.sum()
    return float(counts.sort(descending=True).head(k).sum() / total) if total else float("nan")


def inequality_measures(table: pl.DataFrame) -> dict[str, float]:
    """Gini of per-capita rates across regions, and Theil's T with its between-province and
    within-province parts (PySAL `inequality`)."""
    from inequality.gini import Gini
    from inequality.theil import TheilD

    rates = table["per_100k"].fill_null(0).to_numpy().astype(float)
    if rates.sum() == 0:
        return {"gini": float("nan"), "theil": float("nan"), "theil_between": float("nan"),
                "theil_within": float("nan")}  # fmt: skip
    provinces = table["province_code"].to_numpy()
    _, groups = np.unique(provinces, return_inverse=True)
    theil = TheilD(rates, groups)
    return {
        "gini": float(Gini(rates).g),
        "theil": float(np.atleast_1d(theil.T)[0]),
        "theil_between": float(np.atleast_1d(theil.bg)[0]),
        "theil_within": float(np.atleast_1d(theil.wg)[0]),
    }


def concentration_measures(table: pl.DataFrame, *, unplaced: int = 0) -> dict[str, float]:
    """HHI, top-1/5/10 shares, Gini and Theil of a region table, plus the counts behind them."""
    counts = table["count"]
    return {
        "total": float(counts.sum()),
        "unplaced": float(unplaced),
        "regions_with_any": float((counts > 0).sum()),
        **hhi(counts),
        "top1_share": top_share(counts, 1),
        "top5_share": top_share(counts, 5),
        "top10_share": top_share(counts, 10),
        **inequality_measures(table),
    }


@contextlib.contextmanager
def _islands_allowed() -> Iterator[None]:
    """Islands far from the rest form their own weight components; that is the geography,
    not an error worth a warning in every brief."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The weights matrix is not fully connected")
        yield


def knn_weights(points: pl.DataFrame, k: int = KNN):  # noqa: ANN201 (libpysal.weights.W)
    """Binary k-nearest-neighbour weights on representative points (`code`,
    `lon`, `lat`), in the order of `points`."""
    from libpysal import weights as lw

    coordinates = points.select("lon", "lat").to_numpy()
    with _islands_allowed():
        weights = lw.KNN.from_array(coordinates, k=k, ids=points["code"].to_list())
    weights.transform = "b"
    return weights


def spatial_autocorrelation(
    table: pl.DataFrame,
    points: pl.DataFrame,
    *,
    k: int = KNN,
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
) -> tuple[dict[str, float], pl.DataFrame]:
    """Global Moran's I and, per region, local Moran (LISA quadrant where significant) and
    Getis-Ord G* (hot / cold spot where significant), on `per_100k`.

    Returns the global statistics and a table `code`, `lisa_i`, `lisa_p`, `lisa_cluster`
    (HH, LL, HL, LH or `not significant`), `gstar_z`, `gstar_p`, `hotspot` (hot, cold or
    `not significant`). p-values are permutation pseudo p-values with a fixed seed.
    """
    import esda
    from libpysal.weights import fill_diagonal

    ordered = points.join(table.select("code", "per_100k"), on="code", how="left")
    y = ordered["per_100k"].fill_null(0).to_numpy().astype(float)
    weights = knn_weights(ordered, k)
    if np.allclose(y, y[0]):
        empty = {"moran_i": float("nan"), "moran_expected": float("nan"),
                 "moran_z": float("nan"), "moran_p": float("nan")}  # fmt: skip
        return empty, ordered.select("code").with_columns(lisa_cluster=pl.lit("not significant"))
    np.random.seed(seed)  # esda's global Moran draws from numpy's global generator
    moran = esda.Moran(y, weights, permutations=permutations)
    with warnings.catch_warnings():
        # esda 2.9 announces a future change of its default alternative; the p-values here
        # are its current conditional-randomisation ones, as documented above
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="esda")
        local = esda.Moran_Local(y, weights, permutations=permutations, seed=seed)
        # G*: each region counts itself among its neighbours
        with _islands_allowed():
            with_self = fill_diagonal(weights, 1.0)
        gstar = esda.G_Local(
            y, with_self, transform="R", permutations=permutations, star=None, seed=seed,
            n_jobs=1,
        )  # fmt: skip
    quadrant = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
    significant = local.p_sim < SIGNIFICANCE
    hot = gstar.p_sim < SIGNIFICANCE
    local_table = pl.DataFrame(
        {
            "code": ordered["code"],
            "lisa_i": local.Is,
            "lisa_p": local.p_sim,
            "lisa_cluster": [quadrant[q] if s else "not significant"
                             for q, s in zip(local.q, significant, strict=True)],
            "gstar_z": gstar.Zs,
            "gstar_p": gstar.p_sim,
            "hotspot": ["hot" if h and z > 0 else "cold" if h else "not significant"
                        for h, z in zip(hot, gstar.Zs, strict=True)],
        }
    )  # fmt: skip
    global_stats = {
        "moran_i": float(moran.I),
        "moran_expected": float(moran.EI),
        "moran_z": float(moran.z_sim),
        "moran_p": float(moran.p_sim),
    }
    return global_stats, local_table


def group_share(table: pl.DataFrame, codes: tuple[str, ...]) -> dict[str, float]:
    """Count, share of all, share of population and location quotient of a group of regions
    (greater Bandung, say)."""
    inside = table.filter(pl.col("code").is_in(codes))
    count, total = inside["count"].sum(), table["count"].sum()
    people, all_people = inside["population"].sum(), table["population"].sum()
    share = count / total if total else float("nan")
    population_share = people / all_people
    return {
        "count": float(count),
        "share": float(share),
        "population_share": float(population_share),
        "lq": float(share / population_share),
        "per_100k": float(count / people * 100_000),
    }


def quarterly(
    listings: pl.DataFrame, *, code: str = "province_code", sellers: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Listings per quarter and region (`quarter`, `code`, `count`), or, given `sellers`
    (from `seller_regions`), the sellers active in each quarter counted in their own region.
    Listings without any date are left out."""
    when = pl.coalesce("posted_at", "scraped_at")
    dated = listings.filter(when.is_not_null()).with_columns(
        quarter=when.dt.truncate("1q").dt.date()
    )
    if sellers is None:
        counted = dated.group_by("quarter", code).len("count")
    else:
        counted = (
            dated.select("quarter", "seller_id")
            .unique()
            .join(sellers.select("seller_id", code), on="seller_id", how="inner")
            .group_by("quarter", code)
            .len("count")
        )
    return counted.rename({code: "code"}).sort("quarter", "code")
