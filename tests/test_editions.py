"""Regional and dated editions of the briefs, and briefs for online publishing."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest
from typer.testing import CliRunner

from thriftwatch import catalog
from thriftwatch.cli import app
from thriftwatch.editions import Edition


def test_an_edition_keeps_its_region_and_period():
    frame = pl.DataFrame({
        "province_code": ["32", "32", "31"], "kabkota_code": ["3273", "3204", "3171"],
        "event_date": [dt.date(2022, 1, 1), dt.date(2024, 1, 1), dt.date(2024, 1, 1)],
    })  # fmt: skip
    assert Edition.of("32").rows(frame).height == 2
    assert Edition.of("3273").rows(frame)["kabkota_code"].to_list() == ["3273"]
    assert Edition.of(since="2023-01-01").rows(frame, date="event_date").height == 2
    assert Edition.of("32", "2023-01-01").rows(frame, date="event_date").height == 1
    assert Edition.of().national and Edition.of().label() == ""
    assert "Jawa Barat" in Edition.of("32").label({"32": "Jawa Barat"})
    with pytest.raises(ValueError, match="2- or 4-digit"):
        Edition.of("Bandung")


def env(where):
    return {"THRIFTWATCH_PROCESSED_DIR": str(where.processed),
            "THRIFTWATCH_REPORTS_DIR": str(where.reports)}  # fmt: skip


def text(path):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def test_regional_edition_of_the_seizures_brief(built):
    where, _ = built
    result = CliRunner().invoke(app, ["report", "--brief", "seizures", "--region", "32"],
                                env=env(where))  # fmt: skip
    assert result.exit_code == 0, result.output
    page = text(where.reports / "seizures-32.html")
    events = catalog.load("seizures_clean", where).filter(pl.col("province_code") == "32")
    assert "Edition: region Jawa Barat (code 32)" in page
    assert f"The news record holds {events.height} enforcement events" in page


def test_dated_kabkota_edition_of_the_concentration_brief(built):
    where, _ = built
    args = ["report", "--brief", "seller-concentration", "--region", "3273", "--since",
            "2023-01-01"]  # fmt: skip
    result = CliRunner().invoke(app, args, env=env(where))
    assert result.exit_code == 0, result.output
    page = text(where.reports / "seller-concentration-3273-since-2023-01-01.html")
    assert (
        "Edition: region Kota Bandung (code 3273) and events and listings from 01 January 2023"
        in page
    )


def test_a_brief_for_online_publishing_loads_plotly_from_its_cdn(built):
    where, _ = built
    result = CliRunner().invoke(app, ["report", "--brief", "mirror-gap", "--plotlyjs", "cdn",
                                      "--region", "32"], env=env(where))  # fmt: skip
    assert result.exit_code == 0, result.output
    page = (where.reports / "mirror-gap-32.html").read_text(encoding="utf-8")
    assert len(page) < 1_000_000  # plotly.js is not inlined
    assert len(re.findall(r'<script[^>]*src="https://cdn\.plot\.ly/', page)) == 1


@pytest.mark.parametrize("args", [["--region", "Bandung"], ["--since", "kemarin"],
                                  ["--plotlyjs", "embedded"]])  # fmt: skip
def test_bad_edition_options_are_refused(built, args):
    where, _ = built
    result = CliRunner().invoke(app, ["report", "--brief", "seizures", *args], env=env(where))
    assert result.exit_code == 1
