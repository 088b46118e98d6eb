"""Raw is immutable, and checked: every raw and reference file a run reads against the sha256
of its `.meta.yml`; and the sanity checks that `python -O` would strip are explicit errors."""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl
import pytest
from conftest import cli_env, isolated_paths
from typer.testing import CliRunner

from thriftwatch import pipeline
from thriftwatch.cli import app
from thriftwatch.config import PACKAGE_DIR, REFERENCE_FILES
from thriftwatch.errors import CheckError, DataError
from thriftwatch.loaders.base import REJECTED_SCHEMA
from thriftwatch.snapshots import verify, write_snapshot
from thriftwatch.steps.base import account

DAY = dt.date(2031, 1, 31)


def _tamper(path: Path) -> None:
    """Change a file's bytes after its sidecar was written, as an edit by hand would."""
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n", 1))


@pytest.fixture
def every_source(raw_copy: Path) -> Path:
    """The shipped raw copy, plus a listings export and a takedown list with sidecars (the
    shipped data has neither: a run would generate them)."""
    listings = b"platform,seller_handle,title,price,posted_at,location\n" + (
        b"shopee,toko_a,kaos thrift bekas,35rb,2023-05-01,Bandung\n"
    )
    takedowns = b"platform,handle,reported_at\ninstagram,toko_a,2023-10-25\n"
    meta = {"producer": "test", "licence": "test"}
    write_snapshot(raw_copy / "listings", "export.csv", listings, meta, DAY)
    write_snapshot(raw_copy / "takedowns", "reported.csv", takedowns, meta, DAY)
    return raw_copy


@pytest.mark.parametrize(
    "relative",
    [
        "customs/2026-11-30/mirror_exports_hs6309_to_indonesia.csv",
        "seizures/2026-11-30/seizures_news.csv",
        "seizures/2026-11-30/event_links.csv",
        "seizures/2026-11-30/aggregates_news.csv",
        f"listings/{DAY}/export.csv",
        f"takedowns/{DAY}/reported.csv",
    ],
)
def test_a_raw_file_changed_after_its_sidecar_stops_the_run(every_source, tmp_path, relative):
    path = every_source / relative
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    _tamper(path)
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    where = isolated_paths(tmp_path, raw=every_source)
    with pytest.raises(DataError) as caught:
        pipeline.run(where, [], default_listings=1000)
    message = str(caught.value)
    assert caught.value.path == path
    assert message.startswith(f"{path}: ")
    assert f"expected {expected}, actual {actual}" in message
    assert "immutable" in message and "new dated snapshot" in message
    assert "thriftwatch ingest" in message
    assert not where.manifest.exists()


def test_the_check_stops_the_run_before_a_sample_is_generated(raw_copy, tmp_path):
    _tamper(next((raw_copy / "customs").glob("*/bps_imports_hs6309_annual.csv")))
    with pytest.raises(DataError, match=r"bps_imports_hs6309_annual\.csv"):
        pipeline.run(isolated_paths(tmp_path, raw=raw_copy), [], default_listings=1000)
    assert not list((raw_copy / "listings").glob("*/synthetic_*"))  # none generated


def test_the_command_prints_the_mismatch_on_one_line_without_a_traceback(raw_copy, tmp_path):
    path = next((raw_copy / "seizures").glob("*/event_links.csv"))
    _tamper(path)
    env = cli_env(raw_copy, tmp_path)
    result = CliRunner().invoke(app, ["run", "--synthetic-rows", "1000"], env=env)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    (line,) = [x for x in result.output.splitlines() if "error:" in x]
    assert str(path) in line and "expected " in line and "actual " in line
    assert line.rstrip().endswith("instead of editing this one")


def test_a_file_without_sidecar_is_accepted_and_recorded(raw_copy, tmp_path):
    dropped = raw_copy / "customs" / "2031-02-01" / "dropped.csv"
    dropped.parent.mkdir()
    shutil.copy(next((raw_copy / "customs").glob("*/bps_imports_hs6309_annual.csv")), dropped)
    where = isolated_paths(tmp_path, raw=raw_copy)
    checked = {c.path: c for c in pipeline.verified_inputs(where)}
    assert checked[dropped].sidecar is None and checked[dropped].matched is None
    document = pipeline.manifest(
        where, pipeline.RunResult("test"), dt.datetime.now(dt.UTC), list(checked.values())
    )
    inputs = {i["path"]: i for i in document["inputs"]}
    entry = inputs["raw/customs/2031-02-01/dropped.csv"]
    assert entry["sha256"] == hashlib.sha256(dropped.read_bytes()).hexdigest()
    assert entry["provenance"] == {
        "sidecar": None,
        "sha256_matched": None,
        "note": "no provenance sidecar",
    }
    shipped = inputs["raw/seizures/2026-11-30/event_links.csv"]["provenance"]
    assert shipped["sidecar"] == "raw/seizures/2026-11-30/event_links.csv.meta.yml"
    assert shipped["sha256_matched"] is True
    assert shipped["sha256"] == inputs["raw/seizures/2026-11-30/event_links.csv"]["sha256"]
    assert shipped["source_kind"] == "compilation notes"
    assert shipped["date_accessed"] == "2026-11-30"
    assert shipped["producer"].startswith("thriftwatch maintainers")


def test_reference_files_with_sidecars_are_checked_too(refdata, raw_copy, tmp_path):
    folder = tmp_path / "reference" / "2026-12-04"
    folder.mkdir(parents=True)
    name = REFERENCE_FILES[0]
    data = (refdata.refdata / name).read_bytes()
    write_snapshot(
        folder.parent, name, data, {"producer": "cahyadsn/wilayah"}, dt.date(2026, 12, 4)
    )
    where = replace(isolated_paths(tmp_path, raw=raw_copy), refdata=folder)
    checked = pipeline.verified_inputs(where)
    document = pipeline.manifest(
        where, pipeline.RunResult("test"), dt.datetime.now(dt.UTC), checked
    )
    (entry,) = document["reference"]["files"]
    assert entry["provenance"]["producer"] == "cahyadsn/wilayah"
    assert entry["provenance"]["sha256_matched"] is True
    assert all(not i["path"].endswith(name) for i in document["inputs"])
    _tamper(folder / name)
    with pytest.raises(DataError, match=rf"{name}: sha256 differs .*immutable"):
        pipeline.run(where, [], default_listings=1000)


def test_a_sidecar_without_sha256_is_accepted_and_says_so(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("a\n1\n")
    (tmp_path / "a.csv.meta.yml").write_text("producer: someone\nlicence: CC-BY-4.0\n")
    checked = verify(path)
    assert checked.matched is None and checked.note == "sidecar records no sha256"
    assert checked.fields == {"producer": "someone", "licence": "CC-BY-4.0"}
    (tmp_path / "a.csv.meta.yml").write_text("producer: [unclosed\n")
    with pytest.raises(DataError, match=r"a\.csv\.meta\.yml: unreadable provenance sidecar"):
        verify(path)


@dataclass
class _FakeFile:
    """A loader's report of one file whose numbers do not add up."""

    path: Path | None
    n_raw: int
    n_duplicates: int
    rejected: pl.DataFrame

    def summary(self) -> dict[str, object]:
        return {"n_raw": self.n_raw, "clean": 1, "rejected": 0, "duplicates": 0}


def test_the_row_accounting_check_raises_when_rows_are_lost():
    lost = _FakeFile(Path("x.csv"), 3, 0, pl.DataFrame(schema=REJECTED_SCHEMA))
    with pytest.raises(CheckError, match="customs rows not conserved: 3 raw, 1 clean"):
        account("customs", [lost])


def test_the_former_asserts_still_fire_under_python_dash_o():
    code = (
        "from pathlib import Path\n"
        "import polars as pl\n"
        "from thriftwatch.errors import CheckError\n"
        "from thriftwatch.loaders.base import REJECTED_SCHEMA\n"
        "from thriftwatch.steps.base import account\n"
        "class F:\n"
        "    path, n_raw, n_duplicates = Path('x.csv'), 3, 0\n"
        "    rejected = pl.DataFrame(schema=REJECTED_SCHEMA)\n"
        "    def summary(self):\n"
        "        return {'n_raw': 3, 'clean': 1, 'rejected': 0, 'duplicates': 0}\n"
        "assert False, 'not stripped'\n"  # proves the interpreter runs with -O
        "try:\n"
        "    account('customs', [F()])\n"
        "except CheckError as exc:\n"
        "    print('raised:', exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-O", "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "raised: customs rows not conserved" in out


def test_no_assert_is_left_in_the_package():
    found = [
        f"{file.relative_to(PACKAGE_DIR)}:{node.lineno}"
        for file in sorted(PACKAGE_DIR.rglob("*.py"))
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assert)
    ]
    assert found == []
