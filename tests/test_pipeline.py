"""A whole run on the shipped data: processed tables, manifest, and the mirror-gap brief."""

from __future__ import annotations

import json
import re

import nbformat
import polars as pl
import pytest

from thriftwatch import catalog, report
from thriftwatch.snapshots import sha256


@pytest.fixture(scope="module")
def brief_html(built) -> str:
    where, _ = built
    return (where.reports / "mirror-gap.html").read_text(encoding="utf-8")


def briefs(built) -> dict[str, str]:
    where, _ = built
    return {
        b.name: (where.reports / b.html_name).read_text(encoding="utf-8")
        for b in report.BRIEFS.values()
    }


def test_run_writes_the_processed_tables(built):
    where, _ = built
    clean = catalog.load("customs_clean", where)
    rejected = catalog.load("customs_rejected", where)
    files = catalog.load("customs_files", where)
    assert files["n_raw"].sum() == clean.height + rejected.height + files["duplicates"].sum()
    assert (clean.height, rejected.height) == (72, 2)
    gap = catalog.load("mirror_gap", where)
    mys = gap.filter((pl.col("partner_iso3") == "MYS") & (pl.col("year") == 2022))
    assert mys["mirror_kg"].to_list() == [24_544_000] and mys["reported_kg"].to_list() == [1650]


def test_manifest_records_inputs_outputs_timings_and_versions(built):
    where, result = built
    manifest = json.loads(where.manifest.read_text())
    assert manifest["run_id"] == result.run_id
    inputs = {i["path"]: i for i in manifest["inputs"]}
    mirror = "raw/customs/2026-11-30/mirror_exports_hs6309_to_indonesia.csv"
    assert inputs[mirror]["sha256"] == sha256(where.raw.parent / mirror)
    assert "raw/seizures/2026-11-30/seizures_news.csv" in inputs
    assert manifest["outputs"]["processed/clean/customs.parquet"]["rows"] == 72
    assert manifest["outputs"]["processed/marts/mirror_gap.parquet"]["rows"] > 0
    assert "reports/mirror-gap.html" in manifest["outputs"]
    assert [s["name"] for s in manifest["steps"]] == [
        "synthetic listings",
        "customs",
        "trade",
        "seizures",
        "listings",
        "concentration",
        "trends",
        "takedowns",
        "changes",
        *(f"brief {name}" for name in report.BRIEFS),
    ]
    sample = "synthetic_listings_seed20230315_20000.parquet"
    assert manifest["settings"]["generated_synthetic_listings"] == [sample]
    assert any(i["path"].endswith(sample) for i in manifest["inputs"])
    assert manifest["loaders"]["seizures"][2] == {
        "n_raw": 95,
        "clean": 65,
        "rejected": 0,
        "duplicates": 30,
        "file": "seizures_news.csv",
        "snapshot": "2026-11-30",
        "kind": "events",
    }
    assert all(s["seconds"] >= 0 for s in manifest["steps"])
    assert manifest["packages"]["polars"] == pl.__version__
    shaping = ("esda", "libpysal", "inequality", "mapclassify", "rapidfuzz", "scipy", "shapely")
    assert all(manifest["packages"][p] not in (None, "not installed") for p in shaping)
    # every input says where it came from, and that its bytes are those of its sidecar
    shipped = inputs[mirror]["provenance"]
    assert shipped["sidecar"] == mirror + ".meta.yml" and shipped["sha256_matched"] is True
    assert shipped["sha256"] == inputs[mirror]["sha256"]
    assert shipped["source_kind"].startswith("news_quote")
    assert shipped["producer"] and shipped["licence"] and shipped["date_accessed"]
    generated = next(i for i in manifest["inputs"] if i["path"].endswith(sample))["provenance"]
    assert generated["sha256_matched"] is True
    assert generated["producer"] == "thriftwatch.synth.generate_listings"
    assert "date_generated" in generated and "licence" in generated
    assert all(i["provenance"]["sha256_matched"] is True for i in manifest["inputs"])
    reference = manifest["reference"]["files"]
    assert len(reference) == 6
    for entry in reference:
        check = entry["provenance"]
        assert check["sha256_matched"] is True or check["note"] == "no provenance sidecar"
    assert {f["file"] for f in manifest["loaders"]["customs"]} >= {
        "bps_imports_hs6309_annual.csv",
        "mirror_exports_hs6309_to_indonesia.csv",
    }


@pytest.mark.parametrize("name", list(report.BRIEFS))
def test_every_brief_is_one_offline_file_under_8_mb(built, name):
    where, _ = built
    path = where.reports / report.BRIEFS[name].html_name
    page = path.read_text(encoding="utf-8")
    assert path.stat().st_size < 8 * 1024 * 1024
    assert not re.search(r"<script[^>]*\ssrc=[\"']?(https?:)?//", page)
    assert not re.search(r"<link[^>]*\shref=[\"']?(https?:)?//", page)
    assert page.count("* plotly.js v") == 1  # plotly.js inlined exactly once
    assert "window.PlotlyGeoAssets" in page  # no world topojson fetched for maps


@pytest.mark.parametrize("name", list(report.BRIEFS))
def test_every_figure_of_every_brief_names_its_source(built, name):
    page = briefs(built)[name]
    calls = page.split("Plotly.newPlot(")[1:]
    assert len(calls) >= 2
    for call in calls:
        assert "Source: " in call.split("</script>")[0]


def test_mirror_gap_figures_state_their_unit(brief_html):
    for call in brief_html.split("Plotly.newPlot(")[1:]:
        assert "tonnes" in call.split("</script>")[0]


@pytest.mark.parametrize("name", list(report.BRIEFS))
def test_briefs_show_no_code_no_stray_output_and_no_seller(built, name):
    where, result = built
    page = briefs(built)[name]
    for marker in ("catalog.load(", "from thriftwatch", "hl-ipython3", 'class="jp-InputPrompt',
                   "In&nbsp;[", "Traceback", "UserWarning", "FutureWarning",
                   "synthetic_thrift_", "synthetic_new_"):  # fmt: skip
        assert marker not in page
    assert not re.search(r"\bs_[0-9a-f]{20}\b", page)  # no pseudonym either
    code_cells = re.findall(r'class="(jp-Cell jp-CodeCell[^"]*)"', page)
    assert code_cells and all("jp-mod-noInput" in c for c in code_cells)
    step = next(s for s in result.results if s.name == f"brief {name}")
    assert step.details["removed_stderr"] == []
    executed = nbformat.read(where.executed_notebooks / f"{name}.ipynb", as_version=4)
    errors = [o for c in executed.cells for o in c.get("outputs", [])
              if o.get("output_type") == "error"]  # fmt: skip
    assert errors == []


def test_the_concentration_brief_says_its_listings_are_synthetic(built):
    text = re.sub(r"<[^>]+>", "", briefs(built)["seller-concentration"])
    assert "SYNTHETIC DATA" in text
    assert "Greater Bandung" in text and "times its population share" in text


def test_brief_headline_states_the_computed_gap(brief_html):
    text = re.sub(r"<[^>]+>", "", brief_html)
    assert (
        "Malaysia reports 24,544 t of worn clothing (HS 6309) exported to Indonesia in 2022" in text
    )
    assert "BPS records 1.65 t imported from Malaysia" in text


def test_a_later_snapshot_adds_files_and_supersedes_same_named_ones(raw_copy, tmp_path):
    from conftest import TEST_LISTINGS, isolated_paths
    from formats import comtrade_row, write_comtrade_csv

    from thriftwatch import pipeline
    from thriftwatch.snapshots import current_files

    later = raw_copy / "customs" / "2026-12-15"
    later.mkdir()
    write_comtrade_csv(later, [comtrade_row(kg="24600000")], name="comtrade_hs6309.csv")
    # a re-delivered annual file with one row fewer supersedes the embedded copy
    old = next((raw_copy / "customs").glob("2026-11-30/bps_imports_hs6309_annual.csv"))
    (later / old.name).write_text("".join(old.read_text().splitlines(keepends=True)[:-1]))

    files = current_files(raw_copy / "customs")
    assert len(files) == 7
    assert {f.parent.name for f in files if f.name == old.name} == {"2026-12-15"}

    where = isolated_paths(tmp_path, raw=raw_copy)
    pipeline.run(where, briefs=[], default_listings=TEST_LISTINGS)
    clean = catalog.load("customs_clean", where)
    assert clean.filter(pl.col("source_file") == old.name).height == 15
    gap = catalog.load("mirror_gap", where)
    mys = gap.filter((pl.col("partner_iso3") == "MYS") & (pl.col("year") == 2022)).row(
        0, named=True
    )
    # the official UN Comtrade extract is preferred to the news-quoted ITC Trade Map figure
    assert (mys["mirror_kg"], mys["mirror_source_kind"]) == (24_600_000, "un_comtrade")
    assert mys["mirror_n_sources"] == 2
    manifest = json.loads(where.manifest.read_text())
    assert manifest["settings"]["cif_fob_factor"] == 1.1
    assert not (where.reports / "mirror-gap.html").exists()
