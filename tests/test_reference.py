"""`thriftwatch fetch reference`: verified copies from a mirror, over real HTTP on loopback."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading

import pytest
from typer.testing import CliRunner

from thriftwatch.cli import app
from thriftwatch.reference import FetchReferenceError, checksums, fetch_reference


@pytest.fixture
def mirror(refdata, tmp_path):
    """A copy of the reference files served over HTTP on 127.0.0.1 (a port of its own)."""
    folder = tmp_path / "mirror"
    folder.mkdir()
    for name in checksums()["file"]:
        shutil.copy(refdata.refdata / name, folder / name)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_fetch_over_http_gives_identical_files(mirror, refdata, tmp_path):
    _, url = mirror
    target = tmp_path / "reference"
    written = fetch_reference(url, target, timeout=10)
    assert len(written) == 6
    for path in written:
        assert path.read_bytes() == (refdata.refdata / path.name).read_bytes()


def test_a_tampered_file_is_refused_and_nothing_is_written(mirror, tmp_path):
    folder, url = mirror
    path = folder / "idn_kode_wilayah_prov_kabkota_2025.csv"
    path.write_text(path.read_text().replace("Kota Bandung", "Kota Bandoeng"))
    target = tmp_path / "reference"
    with pytest.raises(FetchReferenceError, match="does not match its checksum"):
        fetch_reference(url, target, timeout=10)
    assert not target.exists() or not any(target.iterdir())


def test_an_unreachable_mirror_says_so(tmp_path):
    with pytest.raises(FetchReferenceError, match="could not fetch"):
        fetch_reference("http://127.0.0.1:9/", tmp_path / "reference", timeout=5)


def test_the_command_fills_the_reference_folder_from_a_local_copy(mirror, tmp_path):
    folder, _ = mirror
    target = tmp_path / "ref"
    result = CliRunner().invoke(app, ["fetch", "reference", "--from", str(folder)],
                                env={"THRIFTWATCH_REFDATA": str(target)})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "checksums" in result.output and "verified" in result.output
    assert sorted(p.name for p in target.iterdir()) == sorted(checksums()["file"])


def test_without_a_folder_named_the_command_adds_a_dated_snapshot(mirror, tmp_path):
    """The shipped snapshot is raw data: fetching writes a new dated folder beside it, which
    the next run reads, and never writes into an existing one."""
    import datetime as dt

    folder, _ = mirror
    env = {"THRIFTWATCH_RAW_DIR": str(tmp_path / "raw"), "THRIFTWATCH_REFDATA": ""}
    result = CliRunner().invoke(app, ["fetch", "reference", "--from", str(folder)], env=env)
    assert result.exit_code == 0, result.output
    target = tmp_path / "raw" / "reference" / dt.date.today().isoformat()
    assert sorted(p.name for p in target.iterdir()) == sorted(checksums()["file"])
    again = CliRunner().invoke(app, ["fetch", "reference", "--from", str(folder)], env=env)
    assert again.exit_code != 0 and "never overwritten" in again.output
