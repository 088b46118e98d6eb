"""Every brief opened in headless Chromium with the network cut off: every figure drawn, a
silent console, no injected script alive, and a screenshot of the first screen."""

from __future__ import annotations

import os

import pytest

from thriftwatch import report
from thriftwatch.browser import chromium, render


@pytest.fixture(scope="module")
def browser():
    if chromium() is None:
        message = "chromium is not installed (.ci/run installs Debian's chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.parametrize("name", list(report.BRIEFS))
def test_brief_renders_offline_in_chromium(browser, built, name):
    where, _ = built
    page = where.reports / report.BRIEFS[name].html_name
    shot = where.reports / "_screens" / f"{name}.png"
    rendered = render(page, shot)
    assert rendered.figures_in_page >= 2
    assert rendered.figures_drawn == rendered.figures_in_page
    assert rendered.console == []
    assert rendered.live_injected_scripts == 0
    assert rendered.screenshot is not None and shot.stat().st_size > 10_000


def test_a_script_in_data_stays_text(browser, tmp_path):
    """An escaped title containing a script is shown, never run (the check itself can fail)."""
    import polars as pl

    from thriftwatch.figures import table

    escaped = table(pl.DataFrame({"t": ["<script>alert('x')</script>"]}), {"t": "Title"},
                    caption="c")._repr_html_()  # fmt: skip
    safe = tmp_path / "safe.html"
    safe.write_text(f"<html><body>{escaped}</body></html>")
    unsafe = tmp_path / "unsafe.html"
    unsafe.write_text('<html><body><img src="x" onerror="void 0"></body></html>')
    assert render(safe).live_injected_scripts == 0
    assert render(unsafe).live_injected_scripts == 1
