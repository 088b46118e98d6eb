"""Listings: a messy export written here (in every format), the real marketplace samples,
the synthetic generator against its truth, and the privacy of seller handles."""

from __future__ import annotations

import csv
import datetime as dt
import os
import stat

import polars as pl
import pytest
from typer.testing import CliRunner

from thriftwatch import DataError
from thriftwatch.cli import app
from thriftwatch.loaders.listings import load_listings
from thriftwatch.privacy import KEY_ENV, pseudonym, pseudonym_key
from thriftwatch.synth import generate_listings

HANDLE = "ig_thriftbandung_real"
FIELDS = ["platform", "listing_id", "username", "seller_location", "caption", "price",
          "posted_at", "scraped_at", "url"]  # fmt: skip
NEXT_YEAR = dt.date.today().year + 1
ROWS = [
    # platform, id, seller, location, title, price, posted, scraped, url
    ["instagram", "p1", HANDLE, "📍 Bandung", "Thrift kemeja flanel ex Jepang", "Rp 85.000",
     "2023-03-01T10:00:00", "2023-03-20", f"https://instagram.com/{HANDLE}/p/1"],
    ["instagram", "p2", HANDLE, "📍 Bandung", "Thrift kemeja flanel ex Jepang", "Rp 85.000",
     "2023-03-04T10:00:00", "2023-03-20", f"https://instagram.com/{HANDLE}/p/2"],  # repost
    ["instagram", "p3", HANDLE, "📍 Bandung", "Thrift kemeja flanel ex Jepang", "Rp 85.000",
     "2023-03-20T10:00:00", "2023-03-20", ""],  # 16 days later: a new listing
    ["facebook", "f1", "Toko Baju Lokal", "Kab. Bandung", "Kaos polos baru produk lokal",
     "150rb", "28/09/2023", "", ""],
    ["tiktok", "t1", "@jualbal.sby", "Sby", "BALLPRESS KOREA campur 100 pcs", "4,5jt",
     "1695859200", "", ""],
    ["shopee", "s1", "shop123", "KOTA JAKARTA BARAT", "Jaket preloved seperti baru", "99k",
     "", "", ""],
    ["tokopedia", "k1", "tokoku", "Kab. Bekasi", "Celana jeans second", "Rp 275,000",
     "2023-07-01", "", ""],
    ["instagram", "p4", "seller_dm", "Medan", "Hoodie vintage bekas, WA 0812-3456-7890", "harga DM",
     "", "", ""],
    ["instagram", "p5", "seller_bad", "Batam", "Kaos thrift", "-50000", "", "", ""],
    ["instagram", "p6", "seller_bad", "Batam", "Kaos thrift murah", "Rp 5.000.000.000", "", "",
     ""],
    ["instagram", "p7", "seller_bad", "Batam", "Kaos thrift lagi", "50rb",
     f"{NEXT_YEAR}-01-01T00:00:00", "", ""],
    ["instagram", "p8", "seller_bad", "Batam", "Kaos thrift juga", "50rb", "kemarin sore", "",
     ""],
    ["shopee", "s1", "shop123", "KOTA JAKARTA BARAT", "Jaket preloved seperti baru", "99k",
     "", "", ""],  # exact repeat of s1
    ["instagram", "p9", "@jualbal.sby", "Surabaya", "<script>alert('x')</script> obral thrift",
     "Rp 10.000", "", "", ""],
]  # fmt: skip


def write(folder, fmt: str = "csv"):
    frame = pl.DataFrame([dict(zip(FIELDS, r, strict=True)) for r in ROWS],
                         schema={f: pl.String for f in FIELDS})  # fmt: skip
    frame = frame.with_columns(pl.all().replace("", None))
    path = folder / f"export.{fmt}"
    match fmt:
        case "csv":
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(FIELDS)
                writer.writerows(ROWS)
        case "jsonl":
            frame.write_ndjson(path)
        case "parquet":
            frame.write_parquet(path)
        case "xlsx":
            frame.write_excel(path)
    return path


@pytest.fixture
def where(refdata, tmp_path):
    import dataclasses

    return dataclasses.replace(refdata, private=tmp_path / "private")


@pytest.fixture
def export(tmp_path, where):
    return load_listings(write(tmp_path), where)


def by_id(loaded, listing_id):
    return loaded.clean.filter(pl.col("listing_id") == listing_id).row(0, named=True)


def test_rows_are_accounted_for(export):
    assert (export.n_raw, export.clean.height, export.rejected.height, export.n_duplicates) == (
        14, 8, 4, 2)  # fmt: skip


def test_bad_rows_are_quarantined_with_their_reason(export):
    reasons = dict(zip(export.rejected["source_row"], export.rejected["reason"], strict=True))
    assert reasons[9] == "price below Rp 100"
    assert reasons[10] == "price above Rp 1,000,000,000"
    assert reasons[11].startswith("posted_at lies in the future")
    assert reasons[12] == "posted_at is not a date: 'kemarin sore'"


def test_reposts_within_seven_days_are_duplicates_not_later_listings(export):
    assert set(export.clean["listing_id"]) >= {"p1", "p3"}
    assert "p2" not in set(export.clean["listing_id"])
    assert export.info["reposts"] == 1  # p2; the exact repeat of s1 is counted apart


@pytest.mark.parametrize(
    ("listing", "price", "ask"),
    [("p1", 85_000, False), ("f1", 150_000, False), ("t1", 4_500_000, False),
     ("s1", 99_000, False), ("k1", 275_000, False), ("p4", None, True)],
)  # fmt: skip
def test_prices_to_integer_rupiah(export, listing, price, ask):
    row = by_id(export, listing)
    assert (row["price_idr"], row["price_ask"]) == (price, ask)


def test_dates_are_read_in_every_form(export):
    assert by_id(export, "p1")["posted_at"] == dt.datetime(2023, 3, 1, 10)
    assert by_id(export, "f1")["posted_at"] == dt.datetime(2023, 9, 28)  # day first
    assert by_id(export, "t1")["posted_at"] == dt.datetime(2023, 9, 28)  # Unix seconds
    assert by_id(export, "s1")["posted_at"] is None  # no date stays null
    assert by_id(export, "p1")["scraped_at"] == dt.datetime(2023, 3, 20)


@pytest.mark.parametrize(
    ("listing", "secondhand", "imported"),
    [("p1", True, True), ("f1", False, False), ("t1", True, True), ("s1", True, False),
     ("k1", True, False), ("p4", True, False)],
)  # fmt: skip
def test_secondhand_and_import_flags(export, listing, secondhand, imported):
    row = by_id(export, listing)
    assert (row["is_secondhand"], row["mentions_import"]) == (secondhand, imported)
    assert row["keyword_rules"]  # the evidence is kept


def test_regions_follow_the_marketplace_convention(export):
    codes = {r: by_id(export, r)["kabkota_code"] for r in ("p1", "f1", "t1", "s1", "k1", "p4")}
    assert codes == {"p1": "3273", "f1": "3204", "t1": "3578", "s1": "3173", "k1": "3216",
                     "p4": "1271"}  # fmt: skip


def test_no_handle_url_or_phone_survives(tmp_path, export):
    for frame in (export.clean, export.rejected):
        text = str(frame.to_dicts())
        for secret in (HANDLE, "jualbal", "Toko Baju Lokal", "instagram.com", "0812-3456"):
            assert secret not in text
    assert "[nomor]" in by_id(export, "p4")["title"]
    seller = by_id(export, "p1")["seller_id"]
    assert seller == by_id(export, "p3")["seller_id"] and seller.startswith("s_")
    # the same handle on another platform is another seller
    assert by_id(export, "t1")["seller_id"] != by_id(export, "p9")["seller_id"]


def test_script_in_a_title_is_kept_as_text(export):
    assert by_id(export, "p9")["title"].startswith("<script>")  # escaped when shown


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "xlsx"])
def test_every_format_gives_the_same_listings(tmp_path, where, export, fmt):
    other = load_listings(write(tmp_path, fmt), where)
    columns = ["listing_id", "seller_id", "price_idr", "posted_at", "kabkota_code",
               "is_secondhand"]  # fmt: skip
    assert other.clean.select(columns).equals(export.clean.select(columns))
    assert other.rejected["reason"].to_list() == export.rejected["reason"].to_list()


def test_not_a_listings_export_is_refused(tmp_path, where):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match="not a listings export"):
        load_listings(path, where)


# ---------------------------------------------------------------------------------------------
# Real marketplace scrapes (third-party, read in place)

#: Marketplace warehouses give no seller place ('Dilayani Tokopedia', 'Gudang Blibli').
WAREHOUSES = {"Dilayani Tokopedia", "Gudang Blibli"}


def sample_names() -> list[str]:
    """Names of the real samples for parametrising; one placeholder when they are absent, so
    the test reports the skip (or, in CI, the failure) instead of vanishing."""
    from conftest import sample_files

    return [p.name for p in sample_files()] or ["(samples absent)"]


@pytest.mark.parametrize("name", sample_names(), ids=lambda n: n[:40])
def test_real_marketplace_samples_load_clean_with_regions(name, where):
    from conftest import listings_samples

    (path,) = listings_samples(name)
    loaded = load_listings(path, where)
    assert loaded.rejected.height <= 0.02 * loaded.n_raw
    placed = loaded.clean.filter(~pl.col("location").is_in(WAREHOUSES))
    assert (placed["region_match"] != "none").mean() >= 0.98
    assert placed["price_idr"].null_count() <= 0.02 * placed.height
    expected = "shopee" if path.name.startswith("shopee") else "tokopedia"
    assert set(loaded.clean["platform"]) == {expected}
    assert not loaded.clean["synthetic"].any()


# ---------------------------------------------------------------------------------------------
# The synthetic generator against its truth


@pytest.fixture(scope="module")
def generated(tmp_path_factory, refdata):
    import dataclasses

    folder = tmp_path_factory.mktemp("synth")
    where = dataclasses.replace(refdata, private=folder / "private")
    result = generate_listings(20_000, 11, folder / "listings.csv", where, chunk=7_000)
    truth = pl.read_parquet(result.truth)
    return load_listings(result.path, where), truth


def test_generator_labels_every_row_synthetic(generated):
    loaded, truth = generated
    assert truth.height == loaded.n_raw == 20_000
    assert loaded.clean["synthetic"].all()


def test_every_injected_defect_is_found(generated):
    loaded, truth = generated
    rejected = set(loaded.rejected["source_row"].to_list())
    bad = truth.filter(pl.col("defect").is_in(["bad_price", "bad_date"]))
    assert set(bad["row"].to_list()) <= rejected
    clean_rows = set(loaded.clean["source_row"].to_list())
    reposts = truth.filter(pl.col("defect") == "repost")
    # a repost of a listing that is itself clean is a duplicate, never a clean row
    base_clean = reposts.filter(pl.col("repost_of").is_in(list(clean_rows)))
    assert not set(base_clean["row"].to_list()) & clean_rows
    html = truth.filter(pl.col("defect") == "html")["row"].to_list()
    assert set(html) <= clean_rows  # kept, as text


def test_no_clean_row_is_lost(generated):
    loaded, truth = generated
    sound = set(truth.filter(pl.col("defect").is_in(["none", "html"]))["row"].to_list())
    assert sound <= set(loaded.clean["source_row"].to_list())


def test_loader_recovers_the_truth(generated):
    loaded, truth = generated
    joined = loaded.clean.join(truth, left_on="source_row", right_on="row", suffix="_truth")
    priced = joined.filter(pl.col("price_idr_truth").is_not_null())
    assert (priced["price_idr"] == priced["price_idr_truth"]).all()
    assert (joined["is_secondhand"] == joined["is_secondhand_truth"]).all()
    assert (joined["mentions_import"] == joined["mentions_import_truth"]).all()
    placed = joined.filter(pl.col("region_match") != "none")
    assert (placed["kabkota_code"] == placed["kabkota_code_truth"]).mean() >= 0.99
    assert placed.height >= 0.93 * joined.height  # about 5% of sellers give no location
    assert (joined["posted_at"] == joined["posted_at_truth"]).all()


def test_greater_bandung_is_a_hub_beyond_its_population(generated):
    loaded, _ = generated
    sellers = loaded.clean.unique("seller_id")
    bandung = sellers.filter(pl.col("kabkota_code").is_in(["3273", "3204", "3217", "3277"]))
    assert bandung.height / sellers.height > 0.08  # about 3% of Indonesians live there


def test_synth_command_writes_a_sample_and_its_truth(tmp_path, refdata):
    out = tmp_path / "s.jsonl"
    env = {"THRIFTWATCH_REFDATA": str(refdata.refdata)}
    result = CliRunner().invoke(app, ["synth", "listings", "--rows", "500", "--seed", "3",
                                      "--out", str(out)], env=env)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert pl.read_ndjson(out).height == 500
    assert pl.read_parquet(out.with_name("s.jsonl.truth.parquet")).height == 500
    assert "SYNTHETIC" in result.output


# ---------------------------------------------------------------------------------------------
# The pseudonymisation key


def test_key_file_is_created_once_readable_by_its_owner_only(tmp_path, monkeypatch, refdata):
    import dataclasses

    monkeypatch.delenv(KEY_ENV, raising=False)
    where = dataclasses.replace(refdata, private=tmp_path / "private")
    key = pseudonym_key(where)
    path = where.private / "pseudonym.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert pseudonym_key(where) == key and len(key) == 64
    assert [f.name for f in where.private.iterdir()] == ["pseudonym.key"]  # no temporary left
    monkeypatch.setenv(KEY_ENV, "another key")
    assert pseudonym_key(where) == b"another key"


def test_an_empty_key_file_is_refused_not_used_as_a_weak_key(tmp_path, monkeypatch, refdata):
    import dataclasses

    monkeypatch.delenv(KEY_ENV, raising=False)
    where = dataclasses.replace(refdata, private=tmp_path)
    (tmp_path / "pseudonym.key").write_text("\n")
    with pytest.raises(ValueError, match=r"pseudonym\.key is empty"):
        pseudonym_key(where)


def test_pseudonyms_depend_on_the_key_and_ignore_case_and_at_signs():
    a = pseudonym("instagram", "@Thrift.BDG", b"k1")
    assert a == pseudonym("Instagram", "thrift.bdg", b"k1")
    assert a != pseudonym("instagram", "thrift.bdg", b"k2")
    assert a != pseudonym("tiktok", "thrift.bdg", b"k1")


def test_keyword_examples_take_the_first_listing_of_each_rule_in_file_order():
    from thriftwatch.loaders.listings import keyword_examples

    listings = pl.DataFrame(
        {
            "source_file": ["b.csv", "a.csv", "a.csv", "a.csv", "a.csv", "a.csv"],
            "source_row": [1, 9, 2, 5, 7, 8],
            "title": ["later thrift", "second thrift", "first thrift", "kaos bekas",
                      "baju baru", "<b>bekas</b> murah"],
            "keyword_rules": [["thrift"], ["thrift"], ["thrift", "bekas"], ["bekas"],
                              ["baru"], ["bekas"]],
            "is_secondhand": [True, True, True, True, False, True],
        }
    )  # fmt: skip
    shown = keyword_examples(listings)
    # a.csv row 2 comes first in file order, though it is the third row of the frame; the
    # new item ('baru') is not second-hand; the title with markup is added at the end
    assert shown["title"].to_list() == ["first thrift", "kaos bekas", "<b>bekas</b> murah"]
    assert keyword_examples(listings, n=1)["title"].to_list() == [
        "first thrift",
        "<b>bekas</b> murah",
    ]
