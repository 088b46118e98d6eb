"""The command line, the Makefile's self-documentation, and numbers that follow the data."""

from __future__ import annotations

import csv
import re
import subprocess
import sys

from conftest import cli_env
from typer.testing import CliRunner

from thriftwatch.cli import app
from thriftwatch.config import PROJ_ROOT


def test_module_entry_point_lists_the_commands():
    out = subprocess.run(
        [sys.executable, "-m", "thriftwatch", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "run" in out and "report" in out


def test_every_make_target_has_a_one_line_description():
    makefile = (PROJ_ROOT / "Makefile").read_text()
    targets = re.findall(r"^([a-z][a-z-]*):.*?## (.+)$", makefile, flags=re.M)
    assert {"help", "install", "run", "test", "lab", "report"} <= {t for t, _ in targets}
    out = subprocess.run(
        ["make", "-s", "help"], cwd=PROJ_ROOT, capture_output=True, text=True, check=True
    ).stdout
    out = re.sub(r"\x1b\[[0-9;]*m", "", out)
    for target, description in targets:
        assert re.search(rf"{target}\s+{re.escape(description)}", out)


def test_run_on_refreshed_data_puts_the_new_numbers_in_the_brief(raw_copy, tmp_path):
    """Re-deliver Malaysia's 2022 mirror figure changed, in a later snapshot (raw snapshots are
    never edited): the brief follows the data."""
    path = next((raw_copy / "customs").glob("*/mirror_exports_hs6309_to_indonesia.csv"))
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for row in rows:
        if (row["year"], row["reporter_exporter"]) == ("2022", "Malaysia"):
            row["net_weight_kg"] = "31234000"
    path = raw_copy / "customs" / "2026-12-15" / path.name  # supersedes the shipped copy
    path.parent.mkdir()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    env = cli_env(raw_copy, tmp_path)
    result = CliRunner().invoke(app, ["run", "--synthetic-rows", "5000"], env=env)
    assert result.exit_code == 0, result.output
    assert "seizures_news.csv" in result.output  # per-file row accounting
    page = re.sub(r"<[^>]+>", "", (tmp_path / "reports" / "mirror-gap.html").read_text())
    assert "Malaysia reports 31,234 t" in page
    assert "24,544 t" not in page


def test_unknown_brief_fails_with_a_message(tmp_path):
    env = {"THRIFTWATCH_PROCESSED_DIR": str(tmp_path), "THRIFTWATCH_REPORTS_DIR": str(tmp_path)}
    result = CliRunner().invoke(app, ["report", "--brief", "nonsense"], env=env)
    assert result.exit_code == 1
    assert "unknown brief nonsense" in result.output


def test_run_without_reference_data_stops_and_says_how_to_provide_it(tmp_path):
    env = {
        "THRIFTWATCH_REFDATA": str(tmp_path / "empty"),
        "THRIFTWATCH_PROCESSED_DIR": str(tmp_path / "processed"),
        "THRIFTWATCH_REPORTS_DIR": str(tmp_path / "reports"),
    }
    result = CliRunner().invoke(app, ["run"], env=env)
    assert result.exit_code == 1
    assert "THRIFTWATCH_REFDATA" in result.output
    assert "idn_kode_wilayah_prov_kabkota_2025.csv" in result.output
    assert not (tmp_path / "processed" / "manifest.json").exists()
