"""The private seller map and the takedown list: names stay private, the list is right."""

from __future__ import annotations

import datetime as dt
import re
import stat

import polars as pl
import pytest
from typer.testing import CliRunner

from thriftwatch import catalog
from thriftwatch.cli import app
from thriftwatch.privacy import LISTING_URLS, SELLER_MAP, read_seller_map
from thriftwatch.suppression import count_text
from thriftwatch.takedown import LEGAL_BASIS, Selection, inert, takedown_list


def _env(where) -> dict[str, str]:
    return {
        "THRIFTWATCH_RAW_DIR": str(where.raw),
        "THRIFTWATCH_PROCESSED_DIR": str(where.processed),
        "THRIFTWATCH_REPORTS_DIR": str(where.reports),
        "THRIFTWATCH_PRIVATE_DIR": str(where.private),
    }


def _truth(where) -> pl.DataFrame:
    """The generator's truth of the synthetic sample the run made."""
    return pl.read_parquet(next(where.source_dir("listings").glob("*/*.parquet.truth.parquet")))


def test_seller_map_is_private_and_never_in_processed_files_or_briefs(built):
    where, _ = built
    for name in (SELLER_MAP, LISTING_URLS, "pseudonym.key"):
        mode = stat.S_IMODE((where.private / name).stat().st_mode)
        assert mode == 0o600, f"{name} is {oct(mode)}"
    sellers, urls = read_seller_map(where)
    assert sellers["seller_id"].is_unique().all() and sellers.height > 100
    secrets = {
        *sellers["handle"].to_list(),
        *sellers["profile_url"].drop_nulls().to_list(),
        *urls["url"].sample(2000, seed=1).to_list(),
        (where.private / "pseudonym.key").read_text().strip(),
    }
    pattern = re.compile(b"|".join(re.escape(s.encode()) for s in sorted(secrets, key=len,
                                                                        reverse=True)))  # fmt: skip
    searched = 0
    for folder in (where.processed, where.reports):
        for path in (p for p in folder.rglob("*") if p.is_file()):
            found = pattern.search(path.read_bytes())
            assert found is None, f"{path} holds {found.group()!r}"
            searched += 1
    assert searched > 20  # clean, rejected, marts, executed notebooks, five briefs


def test_takedown_list_matches_the_generator_truth_for_the_top_sellers(built):
    where, _ = built
    listings = catalog.load("listings_clean", where)
    sellers, urls = read_seller_map(where)
    table = takedown_list(listings, sellers, urls, Selection("instagram"))
    # truth: instagram rows that survive cleaning (no defect, or HTML in the title, which
    # is cleaned), second-hand and import
    truth = _truth(where)
    platforms = sellers.select("handle", "platform")
    expected = (
        truth.filter(pl.col("defect").is_in(["none", "html"]))
        .filter(pl.col("is_secondhand") & pl.col("mentions_import"))
        .join(platforms, left_on="seller", right_on="handle")
        .filter(pl.col("platform") == "instagram")
        .group_by("seller")
        .agg(pl.len().alias("n"), pl.col("kabkota_code").first())
        .sort("n", "seller", descending=[True, False])
    )
    top = table.head(10)
    assert top["rank"].to_list() == list(range(1, 11))
    truth_of = {r["seller"]: r for r in expected.iter_rows(named=True)}
    for row in top.iter_rows(named=True):
        want = truth_of[row["handle"]]
        # chance reposts (same title and price within a week) may drop a listing or two
        assert want["n"] - 2 <= row["n_secondhand_import"] <= want["n"], row["handle"]
        assert row["kabkota_code"] in (want["kabkota_code"], None)  # None: place unreadable
        assert row["profile_url"] == f"https://www.instagram.com/{row['handle']}/"
        assert row["url_1"].startswith("https://instagram.example/p/syn")
        assert row["title_1"] and row["keyword_rules"]
    # the strongest accounts of the truth are the strongest of the list
    truth_top = set(expected.head(5)["seller"])
    assert len(truth_top & set(table.head(10)["handle"])) >= 4
    assert table["n_secondhand_import"].is_sorted(descending=True)


def test_takedown_command_writes_the_list_with_its_header_and_refuses_without_the_map(
    built, tmp_path
):
    where, _ = built
    out = tmp_path / "bandung.csv"
    args = ["takedown", "--platform", "instagram", "--region", "3273", "--min-listings", "2",
            "--out", str(out)]  # fmt: skip
    result = CliRunner().invoke(app, args, env=_env(where))
    assert result.exit_code == 0, result.output
    text = out.read_text()
    header = [line for line in text.splitlines() if line.startswith("# ")]
    assert any("SYNTHETIC DATA" in line for line in header)
    assert f"# legal basis: {LEGAL_BASIS}" in header
    assert any(line.startswith("# data period: 20") for line in header)
    assert any(line.startswith("# data sources: synthetic_listings_seed") for line in header)
    table = pl.read_csv(out, comment_prefix="#")
    assert table.height > 0 and set(table["kabkota_code"].cast(pl.String)) == {"3273"}
    assert (table["n_secondhand_import"] >= 2).all()
    assert table["region"].unique().to_list() == ["Kota Bandung"]

    # an xlsx and a refusal to write among the published outputs
    xlsx = tmp_path / "bandung.xlsx"
    result = CliRunner().invoke(app, [*args[:-1], str(xlsx)], env=_env(where))
    assert result.exit_code == 0, result.output
    cells = pl.read_excel(xlsx, has_header=False).to_series(0).to_list()
    keys = [line[2:].split(": ", 1)[0] for line in header]
    assert cells[: len(keys)] == keys  # the header block, then the table
    assert len(cells) - cells.index("rank") - 1 == table.height
    inside = where.reports / "takedown.csv"
    result = CliRunner().invoke(app, [*args[:-1], str(inside)], env=_env(where))
    assert result.exit_code == 1 and not inside.exists()

    # without the private map: refused, and the message says why and what to do
    env = {**_env(where), "THRIFTWATCH_PRIVATE_DIR": str(tmp_path / "elsewhere")}
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 1
    assert "no private seller map" in result.output and "--force" in result.output


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+62 812", "-1", "@SUM(A1)"])
def test_cells_that_a_spreadsheet_would_run_are_made_inert(text):
    out = inert(pl.DataFrame({"title": [text, "kaos bekas"], "n": [1, 2]}))
    assert out["title"].to_list() == [f"'{text}", "kaos bekas"]
    assert out["n"].to_list() == [1, 2]


def test_takedown_list_region_and_since_filters():
    when = pl.datetime_range(pl.datetime(2023, 1, 1), pl.datetime(2023, 1, 6), "1d", eager=True)
    listings = pl.DataFrame(
        {
            "platform": ["instagram"] * 6,
            "seller_id": ["s_a", "s_a", "s_a", "s_b", "s_b", "s_c"],
            "posted_at": when,
            "scraped_at": [None] * 6,
            "kabkota_code": ["3273", "3273", "3273", "3204", "3204", "3273"],
            "province_code": ["32"] * 6,
            "is_secondhand": [True, True, True, True, True, False],
            "mentions_import": [True, True, False, True, True, False],
            "keyword_rules": [["impor", "bekas"], ["ex_origin"], ["thrift"], ["impor"],
                              ["impor"], ["local"]],
            "title": [f"t{i}" for i in range(6)],
            "source_file": ["f.csv"] * 6,
            "source_row": pl.Series(range(1, 7), dtype=pl.UInt32),
            "synthetic": [False] * 6,
        }
    )  # fmt: skip
    sellers = pl.DataFrame(
        {"seller_id": ["s_a", "s_b", "s_c"], "handle": ["a", "b", "c"],
         "profile_url": ["pa", "pb", "pc"]}
    )  # fmt: skip
    urls = pl.DataFrame(
        {"source_file": ["f.csv"] * 6, "source_row": pl.Series(range(1, 7), dtype=pl.UInt32),
         "seller_id": listings["seller_id"], "url": [f"u{i}" for i in range(1, 7)]}
    )  # fmt: skip
    both = takedown_list(listings, sellers, urls, Selection("instagram"))
    assert both["handle"].to_list() == ["a", "b"]  # c sells no second-hand goods
    assert both.row(0, named=True).items() >= {
        "n_secondhand_import": 2, "n_secondhand": 3, "n_listings": 3,
        "keyword_rules": "bekas; ex_origin; impor; thrift", "url_1": "u2", "url_2": "u1",
        "url_3": "u3",
    }.items()  # fmt: skip
    assert takedown_list(listings, sellers, urls, Selection("instagram", "3204"))[
        "handle"
    ].to_list() == ["b"]
    since = Selection("instagram", since=dt.date(2023, 1, 3))
    assert takedown_list(listings, sellers, urls, since)["handle"].to_list() == ["b"]
    strict = Selection("instagram", min_listings=3)
    assert takedown_list(listings, sellers, urls, strict).is_empty()


def test_policy_brief_shows_the_takedown_event_study_labelled_synthetic(built):
    where, _ = built
    page = (where.reports / "policy-brief.html").read_text()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", page,
                                                             flags=re.S)))  # fmt: skip
    assert "Did takedowns work?" in text
    effects = catalog.load("takedown_effects", where)
    push = effects.filter((pl.col("event") == "platform_push") & (pl.col("outcome") == "listings"))
    row = push.row(0, named=True)
    figure = (f"{100 * row['effect']:+.0f} % (95 % interval {100 * row['ci_low']:+.0f} % to "
              f"{100 * row['ci_high']:+.0f} %)")  # fmt: skip
    assert figure in text  # computed, not typed
    reported = catalog.load("takedown_comebacks", where).height
    assert f"{count_text(reported, 'reported accounts')} (SYNTHETIC sample, not real data)" in text
    assert "Listings on targeted platforms against marketplaces, month by month (SYNTHETIC" in page
