"""Using your own data: an official UN Comtrade extract and a real-layout marketplace scrape
ingested, one run, and briefs whose attributions, labels and small cells are right."""

from __future__ import annotations

import html
import re
import shutil

import polars as pl
import pytest
from conftest import RAW, SHIPPED_ONLY, isolated_paths, listings_samples
from formats import comtrade_import_row, comtrade_row, write_comtrade_csv
from typer.testing import CliRunner

from thriftwatch import catalog, pipeline
from thriftwatch.cli import app
from thriftwatch.ingest import ingest
from thriftwatch.policy import SUPPRESS_BELOW

#: Kota Sabang (Aceh): the small cell planted in the scrape, with 3 thrift sellers.
SMALL_CODE, SMALL_PLACE, SMALL_SELLERS = "1172", "Kota Sabang", 3


def page_text(path):
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<script.*?</script>|<style.*?</style>", " ", raw, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))


@pytest.fixture(scope="module")
def own_run(tmp_path_factory):
    """The shipped trade and seizure facts plus a Comtrade extract and a real Tokopedia
    scrape (with three second-hand sellers in Kota Sabang added), ingested and run."""
    base = tmp_path_factory.mktemp("own")
    shutil.copytree(RAW, base / "raw", ignore=SHIPPED_ONLY)
    where = isolated_paths(base, raw=base / "raw")
    (sample,) = listings_samples("tokopedia_umkm_kaosPria_enriched.csv")
    scrape = pl.read_csv(sample, infer_schema=False)
    planted = pl.DataFrame(
        [
            {**dict.fromkeys(scrape.columns), "id": f"99000{i}", "shop_id": f"77{i // 3}",
             "shop_name": f"thriftsabang{i // 3}", "shop_city": SMALL_PLACE,
             "name": f"Kaos thrift bekas impor bal korea no {i}", "price_number": "45000",
             "url": f"https://www.tokopedia.com/thriftsabang{i // 3}/kaos-thrift-{i}"}
            for i in range(3 * SMALL_SELLERS)
        ],
        schema=dict.fromkeys(scrape.columns, pl.String),
    )  # fmt: skip
    inbox = base / "inbox"
    inbox.mkdir()
    scrape_file = inbox / "tokopedia_kaos_2025-12-16.csv"
    pl.concat([scrape, planted]).write_csv(scrape_file)
    extract = write_comtrade_csv(
        inbox, [comtrade_row(), comtrade_import_row()], name="comtrade_hs6309_2022.csv"
    )
    ingest(extract, "customs", where, origin="UN Comtrade extract", producer="UN Comtrade",
           licence="UN Comtrade terms of use")  # fmt: skip
    ingest(scrape_file, "listings", where, origin="a Tokopedia scrape")
    meta = next((where.raw / "customs").glob("*/comtrade_hs6309_2022.csv.meta.yml")).read_text()
    assert "producer: UN Comtrade" in meta and "licence: UN Comtrade terms of use" in meta
    pipeline.run(where)
    edition = CliRunner().invoke(
        app, ["report", "--brief", "seller-concentration", "--region", SMALL_CODE],
        env={"THRIFTWATCH_PROCESSED_DIR": str(where.processed),
             "THRIFTWATCH_REPORTS_DIR": str(where.reports),
             "THRIFTWATCH_PRIVATE_DIR": str(where.private)},
    )  # fmt: skip
    assert edition.exit_code == 0, edition.output
    return where


def test_no_synthetic_sample_is_generated_or_mentioned(own_run):
    where = own_run
    assert not list((where.raw / "listings").glob("*/synthetic_*"))
    assert not catalog.load("listings_clean", where)["synthetic"].any()
    for brief in where.reports.glob("*.html"):
        assert "SYNTHETIC" not in page_text(brief), brief.name


def test_the_official_extract_is_named_as_such_where_it_is_used(own_run):
    where = own_run
    gap = catalog.load("mirror_gap", where)
    mys = gap.filter((pl.col("partner_iso3") == "MYS") & (pl.col("year") == 2022)).row(
        0, named=True
    )
    assert mys["mirror_source_kind"] == "un_comtrade" and mys["mirror_producer"] == "UN Comtrade"
    policy = page_text(where.reports / "policy-brief.html")
    mirror = page_text(where.reports / "mirror-gap.html")
    assert "UN Comtrade, official extract (UN Comtrade (comtrade_hs6309_2022.csv))" in policy
    assert "ITC Trade Map via API" not in policy
    for page in (policy, mirror):
        assert "every trade figure is a news quote" not in page.lower()
        assert "every figure here is a news quote" not in page.lower()
    assert "official extracts" in mirror


def test_small_cells_are_never_published(own_run):
    """The planted kab/kota has 3 second-hand sellers: no brief or edition prints that count
    for it, and the edition says it is suppressed."""
    where = own_run
    sellers = catalog.load("sellers", where)
    assert sellers.filter(pl.col("kabkota_code") == SMALL_CODE).height == SMALL_SELLERS
    count = re.compile(rf"\b{SMALL_SELLERS} (sellers|accounts|penjual)\b")
    pages = sorted(where.reports.glob("*.html"))
    assert any(p.name == f"seller-concentration-{SMALL_CODE}.html" for p in pages)
    for brief in pages:
        text = page_text(brief)
        assert not count.search(text), brief.name
        raw = brief.read_text(encoding="utf-8")
        assert not re.search(rf"{SMALL_PLACE}[^<\"]{{0,40}}\b{SMALL_SELLERS}\b", raw), brief.name
    edition = page_text(where.reports / f"seller-concentration-{SMALL_CODE}.html")
    assert f"fewer than {SUPPRESS_BELOW} sellers" in edition
