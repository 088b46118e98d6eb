"""Open a brief the way a reader does, in headless Chromium with the network cut off, and
report what happened: how many figures plotly drew, what the console said, whether any
`<script>` carried in by data became a live element, and a screenshot of the first screen."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: Flags for a quiet, offline, sandbox-free headless run (no background connections, every
#: host unresolvable, every request sent to a closed local port).
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
)  # fmt: skip


#: Live elements that only injected data would create: a script calling alert, or an element
#: with an inline error handler (plotly and the brief template use neither).
INJECTED = r"<script>\s*alert\(|<[a-z]+[^>]*\sonerror="


@dataclass(frozen=True)
class Rendered:
    """What a brief did when opened."""

    figures_drawn: int
    figures_in_page: int
    console: list[str]
    live_injected_scripts: int
    screenshot: Path | None


def chromium() -> str | None:
    """The Chromium executable, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _run(binary: str, page: Path, extra: list[str], timeout: float) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [binary, *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip


def render(page: Path, screenshot: Path | None = None, *, timeout: float = 60) -> Rendered:
    """Load `page` offline, let its scripts run, and look at the resulting DOM. A page that
    does not settle within `timeout` seconds (a live `alert()` blocks headless Chromium)
    raises `subprocess.TimeoutExpired`."""
    binary = chromium()
    if binary is None:
        raise FileNotFoundError("chromium is not installed (Debian package 'chromium')")
    done = _run(binary, page, ["--enable-logging=stderr", "--v=0",
                               "--virtual-time-budget=15000", "--dump-dom"], timeout)  # fmt: skip
    dom = done.stdout
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    drawn = len(re.findall(r'class="[^"]*\bjs-plotly-plot\b', dom))
    source = page.read_text(encoding="utf-8")
    injected = len(re.findall(INJECTED, dom))
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        _run(binary, page, ["--window-size=1280,900", "--virtual-time-budget=15000",
                            f"--screenshot={screenshot}"], timeout)  # fmt: skip
    return Rendered(
        figures_drawn=drawn,
        figures_in_page=source.count("Plotly.newPlot("),
        console=console,
        live_injected_scripts=injected,
        screenshot=screenshot if screenshot is not None and screenshot.is_file() else None,
    )
