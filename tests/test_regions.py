"""The region resolver on realistic place strings, checked against the reference table."""

from __future__ import annotations

import random

import polars as pl

from thriftwatch.config import PACKAGE_DATA_DIR
from thriftwatch.reference import region_codes
from thriftwatch.regions import normalize, resolve_regions

# (text, kab/kota, province, match): hand-checked against the Kemendagri 2025 code list.
CASES = [
    ("Kab. Bandung", "3204", "32", "exact"),
    ("KABUPATEN BANDUNG", "3204", "32", "exact"),
    ("Kota Bandung", "3273", "32", "exact"),
    ("Bandung", "3273", "32", "alias"),  # bare name of a kota and a kabupaten -> the kota
    ("bandung", "3273", "32", "alias"),
    ("📍 Bdg", "3273", "32", "alias"),
    ("Bandung Barat", "3217", "32", "exact"),
    ("KBB", "3217", "32", "alias"),
    ("Kab. Bandung Barat", "3217", "32", "exact"),
    ("Cimahi", "3277", "32", "exact"),
    ("Jatinangor Sumedang", "3211", "32", "exact"),
    ("Jatinangor", "3211", "32", "alias"),
    ("Kab. Sumedang", "3211", "32", "exact"),
    ("Bekasi", "3275", "32", "alias"),
    ("Kab. Bekasi", "3216", "32", "exact"),
    ("Kab Bekasi", "3216", "32", "exact"),
    ("Cikarang Bekasi", "3216", "32", "alias"),
    ("TPP Jababeka, Kab. Bekasi", "3216", "32", "exact"),
    ("Bogor", "3271", "32", "alias"),
    ("Kab. Bogor", "3201", "32", "exact"),
    ("Cibinong", "3201", "32", "alias"),
    ("Depok", "3276", "32", "exact"),
    ("KOTA JAKARTA BARAT", "3173", "31", "exact"),
    ("Jakarta Barat", "3173", "31", "exact"),
    ("Jakbar", "3173", "31", "alias"),
    ("Jaksel", "3174", "31", "alias"),
    ("Jaktim", "3175", "31", "alias"),
    ("Jakut", "3172", "31", "alias"),
    ("Jakpus", "3171", "31", "alias"),
    ("Sumur Batu, Kota Jakarta Pusat", "3171", "31", "exact"),
    ("Pademangan Barat, Kota Jakarta Utara", "3172", "31", "exact"),
    ("Kota Adm. Jakarta Selatan", "3174", "31", "exact"),
    ("Kota Administrasi Jakarta Timur", "3175", "31", "exact"),
    ("Pasar Senen", "3171", "31", "alias"),
    ("Tanjung Priok", "3172", "31", "alias"),
    ("Jakarta", None, "31", "province"),
    ("DKI Jakarta", None, "31", "province"),
    ("Tangerang", "3671", "36", "alias"),
    ("Kab. Tangerang", "3603", "36", "exact"),
    ("Tangsel", "3674", "36", "alias"),
    ("Tangerang Selatan", "3674", "36", "exact"),
    ("Kota Tangerang Selatan", "3674", "36", "exact"),
    ("BSD Serpong", "3674", "36", "alias"),
    ("Surabaya", "3578", "35", "exact"),
    ("Sby", "3578", "35", "alias"),
    ("Tanjung Perak, Surabaya", "3578", "35", "exact"),
    ("Sidoarjo", "3515", "35", "exact"),
    ("Malang", "3573", "35", "alias"),
    ("Kab. Malang", "3507", "35", "exact"),
    ("Batu", "3579", "35", "exact"),
    ("Semarang", "3374", "33", "alias"),
    ("Smg", "3374", "33", "alias"),
    ("Kab. Semarang", "3322", "33", "exact"),
    ("Solo", "3372", "33", "alias"),
    ("Surakarta", "3372", "33", "exact"),
    ("Jogja", "3471", "34", "alias"),
    ("Yogya", "3471", "34", "alias"),
    ("Yogyakarta", "3471", "34", "exact"),  # the kota; the province is DIY
    ("DIY", None, "34", "province"),
    ("Sleman, DI Yogyakarta", "3404", "34", "exact"),
    ("Bantul", "3402", "34", "exact"),
    ("Medan", "1271", "12", "exact"),
    ("Belawan, Medan", "1271", "12", "exact"),
    ("Kota Medan", "1271", "12", "exact"),
    ("Medan, Sumut", "1271", "12", "exact"),
    ("Teluk Nibung", "1274", "12", "alias"),
    ("Tanjungbalai", "1274", "12", "exact"),
    ("Tanjung Balai", "1274", "12", "alias"),
    ("Kab. Asahan", "1209", "12", "exact"),
    ("Batu Bara", "1219", "12", "exact"),
    ("Batubara", "1219", "12", "alias"),
    ("Labuhanbatu", "1210", "12", "exact"),
    ("Batam", "2171", "21", "exact"),
    ("Kota Batam", "2171", "21", "exact"),
    ("Tanjungpinang", "2172", "21", "alias"),
    ("Tanjung Pinang", "2172", "21", "exact"),
    ("Kepri", None, "21", "province"),
    ("Kepulauan Riau", None, "21", "province"),
    ("Pekanbaru", "1471", "14", "exact"),
    ("PKU", "1471", "14", "alias"),
    ("Dumai", "1472", "14", "exact"),
    ("Kabupaten Rokan Hilir", "1407", "14", "exact"),
    ("Siak", "1408", "14", "exact"),
    ("Bengkalis", "1403", "14", "exact"),
    ("Pontianak", "6171", "61", "exact"),
    ("Kabupaten Sambas (tujuan)", "6101", "61", "exact"),
    ("Entikong", "6103", "61", "alias"),
    ("Tarakan", "6571", "65", "exact"),
    ("Nunukan", "6503", "65", "exact"),
    ("Makassar", "7371", "73", "exact"),
    ("Mks", "7371", "73", "alias"),
    ("Palembang", "1671", "16", "exact"),
    ("Plg", "1671", "16", "alias"),
    ("Denpasar", "5171", "51", "exact"),
    ("Kuta, Bali", "5103", "51", "alias"),
    ("Bali", None, "51", "province"),
    ("Jabar", None, "32", "province"),
    ("Jawa Barat", None, "32", "province"),
    ("Provinsi Jawa Timur", None, "35", "province"),
    ("Jatim", None, "35", "province"),
    ("Jateng", None, "33", "province"),
    ("Sumut", None, "12", "province"),
    ("Kalbar", None, "61", "province"),
    ("Sulsel", None, "73", "province"),
    ("NTB", None, "52", "province"),
    ("Sumbawa", "5204", "52", "exact"),
    ("Banjar", "3279", "32", "alias"),
    ("Banjar, Kalimantan Selatan", "6303", "63", "alias"),  # the province picks the kabupaten
    ("KAB. BANJAR", "6303", "63", "exact"),
    ("Kota Bandung, Jawa Barat", "3273", "32", "exact"),
    ("Surabaya Jatim", "3578", "35", "exact"),
    ("Bandunk", "3273", "32", "fuzzy"),
    ("Surabya", "3578", "35", "fuzzy"),
    ("Yogyakrta", "3471", "34", "fuzzy"),
    ("Makasar", "7371", "73", "fuzzy"),
    ("Tangerang Selatn", "3674", "36", "fuzzy"),
    ("Jakarta Selatn", "3174", "31", "fuzzy"),
    ("Kab. Bandng", "3204", "32", "fuzzy"),
    ("Jawa Barta", None, "32", "fuzzy"),
    ("9101", "9301", "93", "exact"),  # Kab. Merauke before the 2022 Papua split
    ("Kab. Merauke", "9301", "93", "exact"),
    ("Jayapura", "9171", "91", "alias"),
    ("Kota Sorong", "9671", "96", "exact"),
    # seller locations as the real Shopee and Tokopedia scrapes write them
    ("KAB. BOJONEGORO", "3522", "35", "exact"),
    ("KAB. NGANJUK", "3518", "35", "exact"),
    ("Kab. Temanggung", "3323", "33", "exact"),
    ("KAB. CIAMIS", "3207", "32", "exact"),
    ("KAB. CIANJUR", "3203", "32", "exact"),
    ("KAB. PEKALONGAN", "3326", "33", "exact"),
    ("KAB. JEPARA", "3320", "33", "exact"),
    ("KAB. PASURUAN", "3514", "35", "exact"),
    ("KAB. PATI", "3318", "33", "exact"),
    ("KAB. HULU SUNGAI SELATAN", "6306", "63", "exact"),
    ("Lhokseumawe", "1173", "11", "exact"),
    ("Kab. Kulon Progo", "3401", "34", "exact"),
    ("Kab. Bengkulu Utara", "1703", "17", "exact"),
    ("Kab. Pacitan", "3501", "35", "exact"),
    ("KAB. BLORA", "3316", "33", "exact"),
    ("KAB. PEMALANG", "3327", "33", "exact"),
    ("KAB. PURBALINGGA", "3303", "33", "exact"),
    ("KOTA BALIKPAPAN", "6471", "64", "exact"),
    ("Samarinda", "6472", "64", "exact"),
    ("Garut", "3205", "32", "exact"),
    ("Padang", "1371", "13", "exact"),
    ("Jambi", "1571", "15", "exact"),  # a bare city name is the kota (marketplace convention)
    ("Kota Jambi", "1571", "15", "exact"),
    ("Manado", "7171", "71", "exact"),
    ("Gresik", "3525", "35", "exact"),
    ("Kota Malang", "3573", "35", "exact"),
    ("KAB. TOBA", "1212", "12", "exact"),
    ("Kediri", "3571", "35", "alias"),
    ("Kab. Kediri", "3506", "35", "exact"),
    ("Cirebon", "3274", "32", "alias"),
    ("KAB. CIREBON", "3209", "32", "exact"),
    ("Leuwigajah, Kota Cimahi", "3277", "32", "exact"),
    ("Kosambi Timur, Kab. Tangerang", "3603", "36", "exact"),
    ("KOTA SURAKARTA (SOLO)", "3372", "33", "exact"),
    ("Indonesia", None, None, "none"),
    ("Dilayani Tokopedia", None, None, "none"),
    ("ready stock", None, None, "none"),
    ("asdfgh", None, None, "none"),
    ("", None, None, "none"),
    (None, None, None, "none"),
]


def test_hand_checked_place_strings(refdata):
    texts = [c[0] for c in CASES]
    got = resolve_regions(texts, refdata)
    assert got["text"].to_list() == texts  # one row per input, in order
    wrong = [
        (c, r) for c, r in zip(CASES, got.iter_rows(), strict=True) if (r[1], r[2], r[3]) != c[1:]
    ]
    assert wrong == []
    assert len(CASES) >= 150


def _variants(codes: pl.DataFrame, seed: int = 7) -> list[tuple[str, str]]:
    """Place strings as sellers and scrapers write them, built from the reference names with
    the code known independently of the resolver."""
    rng = random.Random(seed)
    kab = codes.filter(pl.col("level") == "kabkota")
    shared = kab.with_columns(
        bare=pl.col("nama").str.replace(r"^(Kabupaten|Kota)( Administrasi)? ", "")
    )
    twins = set(shared.group_by("bare").len().filter(pl.col("len") > 1)["bare"])
    out = []
    for row in shared.sample(n=150, seed=seed).iter_rows(named=True):
        bare, code, prov = row["bare"], row["kode"], row["nama_prov"]
        short = "Kab." if row["jenis"] == "Kabupaten" else "Kota"
        forms = [
            f"{short} {bare}",
            f"{short.upper()} {bare.upper()}",
            f"{row['nama']}",
            f"Kecamatan Sukamaju, {row['nama']}",
            f"{row['nama']}, {prov}",
            f"📍 {row['nama'].lower()}",
        ]
        if bare not in twins:
            forms += [bare, f"{bare}, {prov}", bare.lower()]
        out.append((rng.choice(forms), code))
    return out


def test_at_least_97_percent_of_realistic_variants_resolve_right(refdata):
    cases = _variants(region_codes(refdata))
    got = resolve_regions([t for t, _ in cases], refdata)["kabkota_code"].to_list()
    right = sum(g == want for g, (_, want) in zip(got, cases, strict=True))
    assert right / len(cases) >= 0.97, [
        (t, want, g) for g, (t, want) in zip(got, cases, strict=True) if g != want
    ]


def test_real_marketplace_locations_all_resolve(refdata):
    """Seller locations of the real Tokopedia and Shopee scrapes, where the sample exists."""
    from conftest import listings_samples

    values: list[str] = []
    for path in listings_samples("*.csv"):
        frame = pl.read_csv(path, infer_schema=False, truncate_ragged_lines=True)
        for column in ("shop_location", "shop_city", "Lokasi", "location"):
            if column in frame.columns:
                values += frame[column].drop_nulls().to_list()
    resolved = resolve_regions(values, refdata)
    unresolved = set(resolved.filter(pl.col("match") == "none")["text"])
    assert unresolved <= {"Dilayani Tokopedia", "Gudang Blibli"}  # fulfilment centres
    assert resolved.height > 7000


def test_every_alias_points_at_a_real_region(refdata):
    aliases = pl.read_csv(PACKAGE_DATA_DIR / "region_aliases.csv", infer_schema=False)
    codes = set(region_codes(refdata)["kode"])
    assert set(aliases["code"]) <= codes
    assert aliases["alias"].map_elements(normalize, return_dtype=pl.String).is_unique().all()


def test_each_distinct_text_is_resolved_once(refdata, monkeypatch):
    from thriftwatch import regions

    calls = []
    original = regions.Gazetteer.resolve
    monkeypatch.setattr(
        regions.Gazetteer, "resolve", lambda self, t: calls.append(t) or original(self, t)
    )
    resolve_regions(["Bandung", "Bandung", None, "Medan", None, "Bandung"] * 1000, refdata)
    assert sorted(calls, key=str) == sorted(["Bandung", None, "Medan"], key=str)
