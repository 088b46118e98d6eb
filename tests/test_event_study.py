"""Event studies recover a simulated takedown; comebacks are found; takedown lists load."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import polars as pl
import pytest

from thriftwatch.event_study import (
    Event,
    account_study,
    comebacks,
    did,
    dynamics,
    event_panel,
)
from thriftwatch.loaders.listings import load_listings
from thriftwatch.loaders.takedowns import load_takedowns
from thriftwatch.privacy import pseudonym
from thriftwatch.synth import generate_listings

TAKEDOWN = dt.date(2023, 10, 25)


def simulated_listings(
    drop: float, seed: int = 7, provinces: tuple[str, ...] | None = None
) -> pl.DataFrame:
    """Listings of 3 platforms x 12 provinces over 3 years: cell and month effects, a
    seasonal swing, and after the takedown month `drop` fewer listings on instagram (in
    `provinces` only, when given)."""
    rng = np.random.default_rng(seed)
    months = pl.date_range(dt.date(2022, 1, 1), dt.date(2024, 12, 1), "1mo", eager=True)
    rows = []
    for platform in ("instagram", "shopee", "tokopedia"):
        for p in range(12):
            size = rng.lognormal(3.2, 0.5)
            for i, month in enumerate(months.to_list()):
                season = 1 + 0.3 * np.sin(2 * np.pi * i / 12) + 0.01 * i
                hit = platform == "instagram" and month > TAKEDOWN
                hit = hit and (provinces is None or f"{11 + p}" in provinces)
                n = rng.poisson(size * season * ((1 - drop) if hit else 1.0))
                rows += [(platform, f"{11 + p}", dt.datetime(month.year, month.month, 1 +
                          int(rng.integers(0, 28))), f"s_{platform}_{p}_{int(rng.integers(0, 30))}")
                         for _ in range(n)]  # fmt: skip
    frame = pl.DataFrame(rows, schema=["platform", "province_code", "posted_at", "seller_id"],
                         orient="row")  # fmt: skip
    return frame.with_columns(scraped_at=pl.lit(None, pl.Datetime("us")))


@pytest.mark.parametrize("drop", [0.4, 0.0])
def test_event_study_recovers_a_simulated_takedown(drop):
    listings = simulated_listings(drop)
    event = Event("test", "test", TAKEDOWN, platforms=("instagram",))
    panel = event_panel(listings, event)
    assert panel["treated"].sum() == 12 * 24  # 12 cells, 24 months (the event month left out)
    effect = did(panel, event, "listings")
    assert effect.ci_low < -drop < effect.ci_high
    assert abs(effect.effect + drop) < 0.06
    if drop:
        assert effect.ci_high < 0 and effect.p_value < 0.001
    path = dynamics(panel, event, "listings")
    before, after = path.filter(pl.col("rel") < -1), path.filter(pl.col("rel") > 0)
    # no effect before the takedown: the pre-period intervals cover zero (but for chance)
    covers = (pl.col("ci_low") < 0) & (pl.col("ci_high") > 0)
    assert before.select(covers.mean()).item() >= 0.8
    assert abs(after["effect"].mean() + drop) < 0.08


@pytest.mark.parametrize("drop", [0.4, 0.0])
def test_one_treated_cell_is_judged_against_placebo_cells(drop):
    listings = simulated_listings(drop, seed=3, provinces=("11",))
    event = Event("one", "one cell", TAKEDOWN, platforms=("instagram",), provinces=("11",))
    effect = did(event_panel(listings, event), event, "listings")
    assert effect.treated_units == 1 and effect.placebos == 19
    assert "placebo" in effect.note
    if drop:  # the real cell's fall is larger than every placebo's change
        assert effect.placebo_p == 0.05 and effect.placebo_low > -0.4
    else:
        assert effect.placebo_p > 0.1
        assert effect.placebo_low < effect.effect < effect.placebo_high


def test_event_study_says_why_it_cannot_estimate():
    listings = simulated_listings(0.3)
    everyone = Event("all", "all", TAKEDOWN)  # every cell treated: no comparison
    assert did(event_panel(listings, everyone), everyone, "listings").note == "no comparison cells"
    late = Event("late", "late", dt.date(2030, 1, 1), platforms=("instagram",))
    assert did(event_panel(listings, late), late, "listings").effect is None


def test_comebacks_tells_still_active_came_back_and_gone_apart():
    report = dt.datetime(2023, 10, 1)

    def posts(seller, start, n, titles, step=5, place="3273"):
        return [
            {"seller_id": seller, "platform": "instagram", "kabkota_code": place,
             "title": titles[i % len(titles)], "price_idr": 50_000 + 1000 * (i % len(titles)),
             "posted_at": start + dt.timedelta(days=step * i), "scraped_at": None}
            for i in range(n)
        ]  # fmt: skip

    a_titles = ["Kaos Bekas Korea", "jaket thrift ex jepang", "hoodie preloved"]
    rows = [
        *posts("s_a", report - dt.timedelta(days=90), 15, a_titles),
        *posts("s_a2", report + dt.timedelta(days=20), 6, a_titles),  # A's comeback
        *posts("s_b", report - dt.timedelta(days=90), 15, ["kemeja bekas"]),  # gone
        *posts("s_c", report - dt.timedelta(days=90), 40, ["dress vintage"]),  # still active
        # a newcomer elsewhere with A's titles is not A
        *posts("s_x", report + dt.timedelta(days=10), 6, ["kemeja bekas"], place="3578"),
    ]
    listings = pl.DataFrame(rows)
    reported = pl.DataFrame({"seller_id": ["s_a", "s_b", "s_c"], "reported_at": [report] * 3})
    out = comebacks(listings, reported)
    status = dict(zip(out["seller_id"], out["status"], strict=True))
    assert status == {"s_a": "came back under a new handle", "s_b": "gone",
                      "s_c": "still active"}  # fmt: skip
    a = out.filter(pl.col("seller_id") == "s_a").row(0, named=True)
    assert a["new_seller_id"] == "s_a2" and a["days_to_return"] == 20 and a["matches"] >= 2


def test_comebacks_on_the_synthetic_sample_match_the_generator_truth(refdata, tmp_path):
    where = dataclasses.replace(refdata, private=tmp_path / "private")
    result = generate_listings(150_000, 11, tmp_path / "listings.parquet", where)
    listings = load_listings(result.path, where).clean
    reported = load_takedowns(result.takedowns, where).clean
    truth = pl.read_parquet(tmp_path / "listings.parquet.takedowns.truth.parquet")
    assert reported.height == truth.height > 10
    key = (tmp_path / "private" / "pseudonym.key").read_text().strip().encode()
    ids = {h: pseudonym("instagram", h, key) for h in truth["handle"]}
    new_ids = {h: pseudonym("instagram", n, key) for h, n in
               zip(truth["handle"], truth["new_handle"], strict=True) if n}  # fmt: skip
    out = comebacks(listings, reported).join(
        truth.select(
            pl.col("handle").replace_strict(ids).alias("seller_id"),
            pl.when(~pl.col("enforced")).then(pl.lit("still active"))
            .when(pl.col("new_handle").is_not_null()).then(pl.lit("came back under a new handle"))
            .otherwise(pl.lit("gone")).alias("truth"),
            pl.col("handle").replace_strict(new_ids, default=None).alias("true_new_id"),
        ),
        on="seller_id",
    )  # fmt: skip
    assert out.height == truth.height
    agree = (out["status"] == out["truth"]).mean()
    assert agree >= 0.85, out.filter(pl.col("status") != pl.col("truth"))
    found = out.filter(pl.col("new_seller_id").is_not_null())
    assert (found["new_seller_id"] == found["true_new_id"]).all()  # never the wrong account

    # the accounts' own listings against matched accounts: the enforced share stops, and the
    # comebacks take back part of it
    enforced = truth["enforced"].mean()
    back = truth["new_handle"].is_not_null().mean()
    study = {r["measure"]: r for r in account_study(listings, reported, comebacks(
        listings, reported)).iter_rows(named=True)}  # fmt: skip
    alone, joined = study["the accounts alone"], study["with their new handles"]
    assert alone["ci_low"] < -enforced * 0.9 and alone["ci_high"] < -0.3
    assert alone["effect"] < joined["effect"] < 0
    assert joined["ci_low"] < -(enforced - back) < joined["ci_high"] + 0.1


def test_takedown_list_loads_pseudonymised_with_bad_rows_quarantined(refdata, tmp_path):
    where = dataclasses.replace(refdata, private=tmp_path / "private")
    path = tmp_path / "laporan_takedown.csv"
    path.write_text(
        "Platform,Username,Tanggal,Catatan\n"
        "Instagram,@thrift.bandung,2023-10-25,balpres korea\n"
        "IG,thrift.bandung,2023-11-02,reported again\n"  # the same account again
        "Instagram,,2023-10-25,no handle\n"
        "Friendster,old.shop,2023-10-25,\n"
        "instagram,bale.medan,kemarin,\n"
        "tiktok,awul.jogja,25/10/2023,\n"
    )
    loaded = load_takedowns(path, where)
    assert loaded.n_raw == 6 and loaded.clean.height == 2 and loaded.n_duplicates == 1
    key = (tmp_path / "private" / "pseudonym.key").read_text().strip().encode()
    assert loaded.clean["seller_id"].to_list() == [
        pseudonym("instagram", "thrift.bandung", key), pseudonym("tiktok", "awul.jogja", key)
    ]  # fmt: skip
    assert loaded.clean["reported_at"].to_list() == [dt.date(2023, 10, 25)] * 2
    assert sorted(loaded.rejected["reason"].to_list()) == [
        "no handle", "reported_at is not a date: 'kemarin'", "unknown platform: 'Friendster'"
    ]  # fmt: skip
    everything = loaded.clean.write_csv() + loaded.rejected.write_csv()
    for handle in ("thrift.bandung", "bale.medan", "old.shop", "awul.jogja"):
        assert handle not in everything
