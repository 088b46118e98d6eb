"""Promises of the README's listings, seller-privacy and briefs sections, each on small
exports with the headers real Tokopedia, Shopee and social-media scrapes carry (see
/work/shared/data/listings-samples/SOURCES.md), loaded through `load_listings`: sold counts,
price ranges and asks, the discount-column rule, derived profile URLs in the private seller
map, the run-changes table, and the smaller promises no other test would catch."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from thriftwatch.changes import changes_table, fingerprint
from thriftwatch.loaders.listings import find_columns, load_listings
from thriftwatch.privacy import read_seller_map, save_seller_map


@pytest.fixture
def where(refdata, tmp_path):
    return dataclasses.replace(refdata, private=tmp_path / "private")


def export(folder: Path, name: str, header: list[str], rows: list[list[str]]) -> Path:
    """A scrape export as the scrapers write it: CSV (blank cells empty) or XLSX."""
    path = folder / name
    if path.suffix == ".xlsx":
        frame = pl.DataFrame([dict(zip(header, r, strict=True)) for r in rows],
                             schema={h: pl.String for h in header}, orient="row")  # fmt: skip
        frame.with_columns(pl.all().replace("", None)).write_excel(path)
    else:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    return path


def rows_by_title(loaded) -> dict[str, dict]:
    return {r["title"]: r for r in loaded.clean.iter_rows(named=True)}


# ---------------------------------------------------------------------------------------------
# Sold counts: `10rb+ terjual` -> 10,000 with `sold_lower_bound`, from every sold column

#: Tokopedia search export (angelmetanosaa layout): `Terjual` holds the marketplace's label.
TOKOPEDIA_HP = ["Produk", "URL Gambar", "Penjual", "Lokasi", "Harga Normal", "Diskon",
                "Harga Diskon", "Rate", "Terjual"]  # fmt: skip
#: Tokopedia enriched export (E-commerce-UMKM layout): `countSold`, else `label_titles`.
TOKOPEDIA_UMKM = ["id", "name", "url", "price_number", "price_original", "shop_id", "shop_name",
                  "shop_url", "shop_city", "countSold", "label_titles"]  # fmt: skip
#: Shopee search export (scrapingecommerce layout): a plain `sold` number, `shop` = "shopee".
SHOPEE = ["itemid", "shopid", "name", "stock", "sold", "liked", "price", "rating_star",
          "shop_location", "shop"]  # fmt: skip
#: Tokopedia scraper export (crypter70 layout): `sold` as `Terjual 2 rb+`.
TOKOPEDIA_LAPTOP = ["name", "price", "location", "rating", "sold", "details_link"]

IMG = "https://images.tokopedia.net/img/cache/200-square/VqbcmM/2024/3/15/x.jpg"


@pytest.fixture
def sold_exports(tmp_path, where):
    hp = export(tmp_path, "tokopedia_jaket_2024-03-15.xlsx", TOKOPEDIA_HP, [
        ["Jaket bomber pria", IMG, "Dobujack", "Kab. Bandung", "Rp219.000", "", "0", "4.9",
         "10rb+ terjual"],
        ["Kemeja flanel pria", IMG, "NHA CLOTH", "Bandung", "Rp83.900", "", "0", "4.8",
         "Terjual 250"],
        ["Kaos polos combed 30s", IMG, "ghoyour konveksi", "Jakarta Barat", "Rp104.000", "",
         "0", "4.7", "1,2rb terjual"],
        ["Hoodie anak", IMG, "intan olhs", "Kab. Garut", "Rp178.500", "", "0", "5.0",
         "5 terjual"],
        ["Sweater rajut", IMG, "Garlis Jaket", "Makassar", "Rp185.000", "", "0", "4.9",
         "750+ terjual"],
    ])  # fmt: skip
    umkm = export(tmp_path, "tokopedia_umkm_jaketPria_enriched.csv", TOKOPEDIA_UMKM, [
        ["1543556324", "JAKET BOLAK BALIK BB OUTERWEAR", "https://www.tokopedia.com/freestyleoff/"
         "jaket-bolak-balik", "155000", "Rp275.000", "111", "freestyleoff",
         "https://www.tokopedia.com/freestyleoff", "Bandung", "",
         "10rb+ terjual | Bisa COD | 44% | Rp155.000 | Bisa COD"],
        ["1543556325", "JAKET PARKA PRIA WATERPROOF", "https://www.tokopedia.com/queenbeer/"
         "jaket-parka", "449000", "", "112", "QUEENBEER Official Shop",
         "https://www.tokopedia.com/queenbeer", "Kab. Bandung", "13.0",
         "13 terjual | Hemat s.d  1% Pakai Bonus | Rp449.000"],
    ])  # fmt: skip
    shopee = export(tmp_path, "shopee_scrapingecommerce_Kaos_2023-12-18.csv", SHOPEE, [
        ["22881592461", "35285498", "atasan kaos crop oversize fit XL", "2871", "1020", "690",
         "13500.0", "4.15", "KOTA JAKARTA BARAT", "shopee"],
        ["21484308962", "61188543", "Kaos distro lengan panjang DC", "11591", "10000.0", "12",
         "26000.0", "4.31", "KOTA JAKARTA BARAT", "shopee"],
    ])  # fmt: skip
    laptop = export(tmp_path, "tokopedia_sample_data_09-02-2023_laptop.csv", TOKOPEDIA_LAPTOP, [
        ["Apple MacBook Air M1 Chip 2020 256GB", "Rp13.399.000", "Jakarta Pusat", "4.9",
         "Terjual 2 rb+", "https://www.tokopedia.com/ibox/macbook-air-m1"],
    ])  # fmt: skip
    loaded = [load_listings(p, where) for p in (hp, umkm, shopee, laptop)]
    return {t: r for one in loaded for t, r in rows_by_title(one).items()}


@pytest.mark.parametrize(
    ("title", "sold", "lower"),
    [
        ("Jaket bomber pria", 10_000, True),  # `Terjual`: 10rb+ terjual
        ("Kemeja flanel pria", 250, False),  # Terjual 250
        ("Kaos polos combed 30s", 1_200, False),  # 1,2rb terjual
        ("Hoodie anak", 5, False),  # 5 terjual
        ("Sweater rajut", 750, True),  # 750+ terjual
        ("JAKET BOLAK BALIK BB OUTERWEAR", 10_000, True),  # no countSold: `label_titles`
        ("JAKET PARKA PRIA WATERPROOF", 13, False),  # `countSold` 13.0 first
        ("atasan kaos crop oversize fit XL", 1_020, False),  # Shopee `sold` 1020
        ("Kaos distro lengan panjang DC", 10_000, False),  # Shopee `sold` 10000.0
        ("Apple MacBook Air M1 Chip 2020 256GB", 2_000, True),  # `sold`: Terjual 2 rb+
    ],
)
def test_sold_counts_from_every_sold_column(sold_exports, title, sold, lower):
    row = sold_exports[title]
    assert (row["sold"], row["sold_lower_bound"]) == (sold, lower)


# ---------------------------------------------------------------------------------------------
# Prices: integer rupiah; asks give null with `price_ask`; a range keeps its lower bound

#: A social-media scraper export (Instagram / TikTok / Facebook posts).
SOCIAL = ["platform", "post_id", "username", "caption", "price", "location", "taken_at",
          "permalink"]  # fmt: skip

PRICES = [
    # caption, price text, price_idr, price_ask, price_range
    ("Kemeja flanel ex Jepang", "Rp 50.000 - Rp 75.000", 50_000, False, True),
    ("Hoodie vintage bekas", "harga DM", None, True, False),
    ("Jaket kulit thrift", "nego", None, True, False),
    ("Celana cargo second", "Rp85.000,-", 85_000, False, False),
    ("Bal korea campur 100 pcs", "1,2jt", 1_200_000, False, False),
    ("Ballpress jaket eropa", "Rp 6 juta", 6_000_000, False, False),
    ("Kaos band vintage", "13500.0", 13_500, False, False),
    ("Kaos thrift murah", "99k", 99_000, False, False),
    ("Sweater preloved", "Rp 150.000", 150_000, False, False),
    ("Kemeja bekas ex Korea", "50rb - 75rb", 50_000, False, True),  # a range with its unit
    ("Jaket jeans second", "Rp1,5jt s/d Rp2jt", 1_500_000, False, True),
]


@pytest.fixture
def priced(tmp_path, where):
    rows = [["instagram", f"p{i}", f"thrift.seller{i}", caption, price, "Bandung",
             "2023-03-01T10:00:00", f"https://www.instagram.com/p/C{i}x/"]
            for i, (caption, price, *_) in enumerate(PRICES)]  # fmt: skip
    return load_listings(export(tmp_path, "ig_posts_2023-03-02.csv", SOCIAL, rows), where)


@pytest.mark.parametrize(("caption", "text", "price", "ask", "is_range"), PRICES,
                         ids=[p[1] for p in PRICES])  # fmt: skip
def test_prices_asks_and_ranges(priced, caption, text, price, ask, is_range):
    row = rows_by_title(priced).get(caption)
    assert row is not None, f"{text!r} quarantined: {priced.rejected['reason'].to_list()}"
    assert (row["price_idr"], row["price_ask"], row["price_range"]) == (price, ask, is_range)


# ---------------------------------------------------------------------------------------------
# The discount-column rule: price_number, Harga Diskon (when not 0), price, harga,
# Harga Normal, price_original


def test_price_columns_are_trusted_in_the_readme_order():
    header = ["price_original", "Harga Normal", "harga", "price", "Harga Diskon", "price_number"]
    readme = ["price_number", "Harga Diskon", "price", "harga", "Harga Normal", "price_original"]
    assert find_columns(header)["price"] == readme


def test_a_zero_discount_price_means_the_normal_price(tmp_path, where):
    path = export(tmp_path, "tokopedia_angelmetanosaa_dataset_smartphone.csv", TOKOPEDIA_HP, [
        ["Samsung Galaxy A55 5G 12/256GB", IMG, "Samsung Official Store", "Jakarta Utara",
         "Rp6.899.000", "", "0", "5.0", "100+ terjual"],
        ["iPhone 14 Garansi Resmi", IMG, "igoods gadget", "Jakarta Barat", "Rp14,9jt", "25%",
         "Rp11.258.000", "5.0", "750+ terjual"],
        ["iPhone 13 Pro Max 256GB", IMG, "igoods gadget", "Jakarta Barat",
         "Rp8,5jt - Rp10,9jt", "", "0", "4.9", "100+ terjual"],
        ["Apple iPhone 11 Garansi Resmi", IMG, "iBox Official", "Jakarta Selatan", "Rp6,99jt",
         "28%", "Rp5,03jt - Rp5,85jt", "5.0", "250+ terjual"],
    ])  # fmt: skip
    loaded = load_listings(path, where)
    assert loaded.rejected.is_empty(), loaded.rejected.to_dicts()
    got = {t: (r["price_idr"], r["price_range"]) for t, r in rows_by_title(loaded).items()}
    assert got == {
        "Samsung Galaxy A55 5G 12/256GB": (6_899_000, False),  # Harga Diskon 0: Harga Normal
        "iPhone 14 Garansi Resmi": (11_258_000, False),  # Harga Diskon
        # the range flag comes from the column the price came from
        "iPhone 13 Pro Max 256GB": (8_500_000, True),
        "Apple iPhone 11 Garansi Resmi": (5_030_000, True),
    }


def test_price_number_first_then_the_original_price(tmp_path, where):
    path = export(tmp_path, "tokopedia_umkm_jaketPria_enriched.csv", TOKOPEDIA_UMKM, [
        ["1", "JAKET BOMBER PRIA", "https://www.tokopedia.com/dobujack/jaket-bomber", "219000",
         "Rp680.000", "1", "Dobujack", "https://www.tokopedia.com/dobujack", "Bandung", "7000.0",
         ""],
        ["2", "JAKET COACH PRIA", "https://www.tokopedia.com/nha/jaket-coach", "",
         "Rp150.000", "2", "NHA CLOTH", "https://www.tokopedia.com/nha", "Bandung", "", ""],
    ])  # fmt: skip
    got = {t: r["price_idr"] for t, r in rows_by_title(load_listings(path, where)).items()}
    assert got == {"JAKET BOMBER PRIA": 219_000, "JAKET COACH PRIA": 150_000}


# ---------------------------------------------------------------------------------------------
# The private seller map: profile URLs derived from the platform's address pattern


def test_seller_map_derives_missing_profile_urls_per_platform(tmp_path, where):
    social = export(tmp_path, "posts_2023-03-02.csv", [*SOCIAL, "profile_url"], [
        ["instagram", "p1", "@thrift.bdg", "Kemeja flanel ex Jepang", "Rp 85.000", "Bandung",
         "2023-03-01", "https://www.instagram.com/p/C1x/", ""],
        ["instagram", "p2", "given_handle", "Jaket vintage", "Rp 95.000", "Bandung",
         "2023-03-01", "https://www.instagram.com/p/C2x/", "https://www.instagram.com/given/"],
        ["tiktok", "t1", "jualbal.sby", "BALLPRESS KOREA 100 pcs", "4,5jt", "Surabaya",
         "2023-03-01", "https://www.tiktok.com/@jualbal.sby/video/1", ""],
        ["facebook", "f1", "preloved.medan", "Hoodie bekas", "Rp 60.000", "Medan", "2023-03-01",
         "https://www.facebook.com/marketplace/item/1", ""],
        ["lazada", "l1", "tokolazada", "Kaos thrift", "Rp 20.000", "Medan", "2023-03-01",
         "https://www.lazada.co.id/products/1.html", ""],
    ])  # fmt: skip
    shopee = export(tmp_path, "shopee_scrapingecommerce_Kaos_2023-12-18.csv", SHOPEE, [
        ["22881592461", "35285498", "Kaos thrift oversize", "2871", "1020", "690", "13500.0",
         "4.15", "KOTA JAKARTA BARAT", "shopee"],
    ])  # fmt: skip
    tokopedia = export(tmp_path, "tokopedia_umkm_PakaianWanita.csv", TOKOPEDIA_UMKM, [
        ["1", "Blouse wanita preloved", "https://www.tokopedia.com/rai-fashion/blouse", "60000",
         "", "9", "rai-fashion", "", "Bandung", "12.0", ""],
        ["2", "Kemeja wanita bekas", "https://www.tokopedia.com/matahari/kemeja", "349900", "",
         "10", "Matahari Official", "", "Jakarta Barat", "12.0", ""],
        ["3", "Jaket wanita second", "https://www.tokopedia.com/queenbeer/jaket", "449000", "",
         "11", "QUEENBEER Official Shop", "https://www.tokopedia.com/queenbeer",
         "Kab. Bandung", "13.0", ""],
    ])  # fmt: skip
    loaded = [load_listings(p, where) for p in (social, shopee, tokopedia)]
    save_seller_map([x.personal for x in loaded], where)
    sellers, _ = read_seller_map(where)
    got = {r["handle"]: (r["profile_url"], r["profile_url_derived"])
           for r in sellers.iter_rows(named=True)}  # fmt: skip
    assert got == {
        "@thrift.bdg": ("https://www.instagram.com/thrift.bdg/", True),
        "given_handle": ("https://www.instagram.com/given/", False),  # the export's is kept
        "jualbal.sby": ("https://www.tiktok.com/@jualbal.sby", True),
        "preloved.medan": ("https://www.facebook.com/preloved.medan", True),
        "tokolazada": (None, False),  # no address pattern for the platform
        "35285498": ("https://shopee.co.id/shop/35285498", True),  # a Shopee shop id
        "rai-fashion": ("https://www.tokopedia.com/rai-fashion", True),
        "Matahari Official": (None, False),  # a shop's display name is no address
        "QUEENBEER Official Shop": ("https://www.tokopedia.com/queenbeer", False),
    }
    # names stay out of the clean and quarantined rows
    for frame in (*(x.clean for x in loaded), *(x.rejected for x in loaded)):
        text = str(frame.to_dicts())
        assert not any(s in text for s in ("thrift.bdg", "instagram.com/given", "35285498"))


def test_seller_map_keeps_the_first_and_last_file_of_a_seller(tmp_path, where):
    rows = {day: [["instagram", f"p{day}", "thrift.bdg", f"Kemeja flanel ex Jepang {day}",
                   "Rp 85.000", "Bandung", f"2023-03-0{day}",
                   f"https://www.instagram.com/p/C{day}x/"]] for day in (1, 2, 3)}  # fmt: skip
    files = [export(tmp_path, f"ig_posts_2023-03-0{d}.csv", SOCIAL, r) for d, r in rows.items()]
    save_seller_map([load_listings(p, where).personal for p in files], where)
    sellers, urls = read_seller_map(where)
    assert sellers.select("handle", "first_file", "last_file").rows() == [
        ("thrift.bdg", "ig_posts_2023-03-01.csv", "ig_posts_2023-03-03.csv")]  # fmt: skip
    assert urls["url"].to_list() == [f"https://www.instagram.com/p/C{d}x/" for d in (1, 2, 3)]


# ---------------------------------------------------------------------------------------------
# What changed since the last run (the `run_changes` table of the policy brief)


def _listings(rows: list[tuple[str, int, str, int]]) -> pl.DataFrame:
    schema = {"source_file": pl.String, "source_row": pl.UInt32, "title": pl.String,
              "price_idr": pl.Int64}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


def test_run_changes_counts_rows_added_removed_and_changed_per_table():
    listings_before = _listings([("a.csv", 1, "kemeja", 85_000), ("a.csv", 2, "jaket", 95_000),
                                 ("a.csv", 3, "kaos", 20_000)])  # fmt: skip
    listings_after = _listings([("a.csv", 1, "kemeja", 85_000), ("a.csv", 2, "jaket", 90_000),
                                ("a.csv", 3, "kaos", 20_000), ("b.csv", 1, "hoodie", 60_000),
                                ("b.csv", 2, "celana", 45_000)])  # fmt: skip
    seizures_before = pl.DataFrame({"event_id": ["e1", "e2", "e3"], "tonnes": [1.5, 2.0, 0.3]})
    seizures_after = seizures_before.filter(pl.col("event_id") != "e2")
    gap = pl.DataFrame({"partner_iso3": ["KOR", "JPN"], "hs6": ["630900", "630900"],
                        "year": [2022, 2022], "gap_usd": [1.0e6, 2.0e5]})  # fmt: skip
    fp = {"listings_clean": ("source_file", "source_row"), "seizures_clean": ("event_id",),
          "mirror_gap": ("partner_iso3", "hs6", "year")}  # fmt: skip
    before = {"listings_clean": fingerprint(listings_before, fp["listings_clean"]),
              "seizures_clean": fingerprint(seizures_before, fp["seizures_clean"])}  # fmt: skip
    after = {"seizures_clean": fingerprint(seizures_after, fp["seizures_clean"]),
             "listings_clean": fingerprint(listings_after, fp["listings_clean"]),
             "mirror_gap": fingerprint(gap, fp["mirror_gap"])}  # fmt: skip
    changes = changes_table(before, after, "20240101T000000-abc")
    assert changes.to_dicts() == [
        {"table": "seizures_clean", "previous_run": "20240101T000000-abc", "added": 0,
         "removed": 1, "changed": 0, "unchanged": 2},
        {"table": "listings_clean", "previous_run": "20240101T000000-abc", "added": 2,
         "removed": 0, "changed": 1, "unchanged": 2},
        {"table": "mirror_gap", "previous_run": "20240101T000000-abc", "added": 2,
         "removed": 0, "changed": 0, "unchanged": 0},  # new since the last run
    ]  # fmt: skip

    first = changes_table({}, after, None)  # the first run: every row is new
    assert first["previous_run"].dtype == pl.String and first["previous_run"].is_null().all()
    assert first.select("added", "removed", "changed", "unchanged").rows() == [
        (2, 0, 0, 0), (5, 0, 0, 0), (2, 0, 0, 0)]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Smaller promises of the listings section


@pytest.fixture
def misc(tmp_path, where):
    header = ["username", "caption", "price", "location", "taken_at", "url"]
    rows = [
        ["thrift.bdg", "Kemeja flanel seperti baru", "Rp 85.000", "Bandung", "1695859200000",
         "https://www.instagram.com/p/C1x/"],  # Unix milliseconds
        ["thrift.bdg", "Jaket kulit like new", "Rp 95.000", "Bandung", "", ""],
        ["lokal.shop", "Kaos polos baru", "Rp 35.000", "Bandung", "", ""],
        ["thrift.bdg", "Hoodie vintage, order DM @admin.thrift", "Rp 70.000", "Bandung", "",
         "https://www.instagram.com/p/C4x/"],
        ["thrift.bdg", "Celana cargo bekas", "Rp 40.000", "Bandung", "2003-05-01", ""],
    ]  # fmt: skip
    return load_listings(export(tmp_path, "instagram_posts_2024-01-05.csv", header, rows), where)


def test_unix_milliseconds_and_the_file_name_date(misc):
    row = rows_by_title(misc)["Kemeja flanel seperti baru"]
    assert row["posted_at"] == dt.datetime(2023, 9, 28)
    assert row["scraped_at"] == dt.datetime(2024, 1, 5)  # no column: the file name's date
    assert set(misc.clean["platform"]) == {"instagram"}  # from the file name


def test_a_date_before_2005_is_quarantined(misc):
    assert misc.rejected.select("source_row", "reason").rows() == [
        (5, "posted_at is before 2005: '2003-05-01'")]  # fmt: skip


@pytest.mark.parametrize(
    ("title", "secondhand"),
    [("Kemeja flanel seperti baru", True), ("Jaket kulit like new", True),
     ("Kaos polos baru", False)],
)  # fmt: skip
def test_like_new_is_read_as_used_and_new_as_new(misc, title, secondhand):
    row = rows_by_title(misc)[title]
    assert row["is_secondhand"] is secondhand
    assert ("likenew" in row["keyword_rules"]) is secondhand


def test_mentions_in_titles_are_masked(misc):
    titles = misc.clean["title"].to_list()
    assert "Hoodie vintage, order DM @[akun]" in titles
    assert not any("admin.thrift" in t for t in titles)


def test_platform_from_a_column_of_platform_names_and_from_the_url(tmp_path, where):
    shopee = export(tmp_path, "scrape_kaos.csv", SHOPEE, [
        ["1", "35285498", "Kaos thrift oversize", "10", "5", "1", "13500.0", "4.1",
         "KOTA JAKARTA BARAT", "shopee"],
    ])  # fmt: skip
    linked = export(tmp_path, "scrape_laptop.csv", TOKOPEDIA_LAPTOP, [
        ["Kemeja bekas", "Rp85.000", "Jakarta Pusat", "4.9", "Terjual 20",
         "https://www.tokopedia.com/toko/kemeja-bekas"],
    ])  # fmt: skip
    assert load_listings(shopee, where).clean["platform"].to_list() == ["shopee"]
    assert load_listings(linked, where).clean["platform"].to_list() == ["tokopedia"]


@pytest.mark.parametrize("warehouse", ["Dilayani Tokopedia", "Gudang Blibli"])
def test_marketplace_warehouses_name_no_seller_place(tmp_path, where, warehouse):
    path = export(tmp_path, "tokopedia_hp.csv", TOKOPEDIA_HP, [
        ["Kaos polos combed", IMG, "ghoyour konveksi", warehouse, "Rp104.000", "", "0", "4.7",
         "1rb+ terjual"],
        ["Kaos polos cotton", IMG, "ghoyour konveksi", "Jakarta Barat", "Rp99.000", "", "0",
         "4.7", "1rb+ terjual"],
    ])  # fmt: skip
    loaded = load_listings(path, where)
    assert loaded.rejected.is_empty()  # kept, without a place
    assert loaded.clean.select("location", "kabkota_code", "region_match").rows() == [
        (warehouse, None, "none"), ("Jakarta Barat", "3173", "exact")]  # fmt: skip
