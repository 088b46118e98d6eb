"""Step: clean listings + reference data -> where the sellers are (region tables with
spatial statistics, concentration measures, quarterly counts) and the web boundaries."""

from __future__ import annotations

import polars as pl

from thriftwatch import catalog, concentration, geo
from thriftwatch.config import Paths
from thriftwatch.errors import CheckError
from thriftwatch.reference import population, region_codes
from thriftwatch.steps.base import StepResult

LEVELS = {"kabkota": "kabkota_code", "province": "province_code"}


def regions(where: Paths, level: str) -> pl.DataFrame:
    """Every region of a level: `code`, `name`, `province_code`, `population`."""
    codes = region_codes(where).filter(
        pl.col("level") == ("kabkota" if level == "kabkota" else "provinsi")
    )
    people = population(where).select(
        pl.col("kode").alias("code"), pl.col("penduduk_total").alias("population")
    )
    return codes.select(
        pl.col("kode").alias("code"),
        pl.col("nama").alias("name"),
        pl.col("kode_prov").alias("province_code"),
    ).join(people, on="code", how="left")


def run(where: Paths) -> StepResult:
    """Measure seller and listing concentration on the second-hand listings."""
    # Load inputs
    listings = catalog.load("listings_clean", where, columns=concentration.LISTING_COLUMNS)
    geo.validate(where)
    for level in LEVELS:
        geo.web_geojson(level, where)
    points = geo.points("kabkota", where)
    tables = {level: regions(where, level) for level in LEVELS}

    # Process
    secondhand = listings.filter(pl.col("is_secondhand"))
    sellers = concentration.seller_regions(secondhand)
    region_rows, measure_rows, quarterly = [], [], []
    for unit, frame in (("sellers", sellers), ("listings", secondhand)):
        for level, code in LEVELS.items():
            table = concentration.region_table(frame, tables[level], code=code)
            measures = concentration.concentration_measures(
                table, unplaced=frame[code].null_count()
            )
            if level == "kabkota":
                global_stats, local = concentration.spatial_autocorrelation(table, points)
                measures |= global_stats
                table = table.join(local, on="code", how="left")
                for name, codes in (("greater_bandung", concentration.GREATER_BANDUNG),):
                    measures |= {
                        f"{name}_{k}": v for k, v in concentration.group_share(table, codes).items()
                    }
            region_rows.append(table.with_columns(level=pl.lit(level), unit=pl.lit(unit)))
            measure_rows += [
                {"level": level, "unit": unit, "measure": k, "value": float(v)}
                for k, v in measures.items()
            ]
            per_quarter = concentration.quarterly(
                secondhand, code=code, sellers=sellers if unit == "sellers" else None
            )
            quarterly.append(per_quarter.with_columns(level=pl.lit(level), unit=pl.lit(unit)))
    measure_rows += [
        {"level": "all", "unit": "listings", "measure": "synthetic_share",
         "value": float(listings["synthetic"].mean()) if listings.height else 0.0},
        {"level": "all", "unit": "listings", "measure": "secondhand_share",
         "value": float(listings["is_secondhand"].mean()) if listings.height else 0.0},
    ]  # fmt: skip
    region_table = pl.concat(region_rows, how="diagonal_relaxed")
    measures_table = pl.DataFrame(measure_rows)
    quarterly_table = pl.concat(quarterly, how="vertical_relaxed")
    kabkota_sellers = region_table.filter(
        (pl.col("level") == "kabkota") & (pl.col("unit") == "sellers")
    )
    if kabkota_sellers.height != 514:
        raise CheckError(f"expected 514 kab/kota, got {kabkota_sellers.height}")

    # Save outputs
    outputs = {
        catalog.save(sellers, "sellers", where): sellers.height,
        catalog.save(region_table, "concentration_regions", where): region_table.height,
        catalog.save(measures_table, "concentration_measures", where): measures_table.height,
        catalog.save(quarterly_table, "concentration_quarterly", where): quarterly_table.height,
        geo.cache_path("kabkota", where): None,
        geo.cache_path("province", where): None,
    }
    return StepResult(
        "concentration", inputs=[catalog.path("listings_clean", where)], outputs=outputs
    )
