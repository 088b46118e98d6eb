"""Adding a delivered file to the raw snapshots, and one run at a time."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import yaml
from conftest import isolated_paths
from typer.testing import CliRunner

from thriftwatch import DataError
from thriftwatch.cli import app
from thriftwatch.ingest import ingest
from thriftwatch.pipeline import RunLockedError, run_lock
from thriftwatch.snapshots import SnapshotExistsError, current_files, verify

TRADE = "year,period,reporter,partner,flow,net_weight_kg,value_usd,source"


@pytest.fixture
def delivery(tmp_path):
    """A monthly trade delivery: two good rows, one short row, one repeat."""
    path = tmp_path / "delivery" / "bps_2024_06.csv"
    path.parent.mkdir()
    good = [
        "2024,2024-06,Indonesia,Jepang,import,120,300,BPS",
        "2024,2024-06,Indonesia,Korea,import,5,9,BPS",
    ]
    path.write_text("\n".join([TRADE, *good, "2024,2024-06,Indonesia", good[0]]) + "\n")
    return path


def test_ingest_copies_into_a_dated_snapshot_with_its_provenance(raw_copy, tmp_path, delivery):
    where = isolated_paths(tmp_path, raw=raw_copy)
    day = dt.date(2031, 1, 31)
    done = ingest(
        delivery, "customs", where, day=day, origin="e-mail from BPS, ref 12/2024",
        producer="BPS (Badan Pusat Statistik)", licence="BPS terms of use",
    )  # fmt: skip
    assert done.target == raw_copy / "customs" / "2031-01-31" / "bps_2024_06.csv"
    assert done.target.read_bytes() == delivery.read_bytes()
    meta = yaml.safe_load(done.target.with_name("bps_2024_06.csv.meta.yml").read_text())
    assert meta["sha256"] == hashlib.sha256(delivery.read_bytes()).hexdigest()
    assert meta["bytes"] == delivery.stat().st_size
    assert (meta["rows"], meta["rows_clean"], meta["rows_rejected"], meta["rows_duplicate"]) == (
        4, 2, 1, 1,
    )  # fmt: skip
    assert meta["origin"] == "e-mail from BPS, ref 12/2024"
    assert meta["producer"] == "BPS (Badan Pusat Statistik)"
    assert meta["licence"] == "BPS terms of use"
    assert meta["date_accessed"] == "2031-01-31"
    # the next run reads it beside the shipped files, and it matches its sidecar
    assert done.target in current_files(raw_copy / "customs")
    assert verify(done.target).matched is True


def test_ingest_never_overwrites_and_refuses_unreadable_files(raw_copy, tmp_path, delivery):
    where = isolated_paths(tmp_path, raw=raw_copy)
    day = dt.date(2031, 1, 31)
    first = ingest(delivery, "customs", where, day=day)
    before = first.target.read_bytes()
    delivery.write_text(TRADE + "\n2024,2024-06,Indonesia,Jepang,import,999,999,BPS\n")
    with pytest.raises(SnapshotExistsError, match="never overwritten"):
        ingest(delivery, "customs", where, day=day)
    assert first.target.read_bytes() == before
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)))
    with pytest.raises(DataError, match=r"junk\.csv"):
        ingest(junk, "customs", where, day=day)
    assert not (raw_copy / "customs" / "2031-01-31" / "junk.csv").exists()


def test_ingest_command_reports_the_row_accounting(raw_copy, tmp_path, delivery):
    env = {
        "THRIFTWATCH_RAW_DIR": str(raw_copy),
        "THRIFTWATCH_PROCESSED_DIR": str(tmp_path / "processed"),
        "THRIFTWATCH_PRIVATE_DIR": str(tmp_path / "private"),
    }
    args = ["ingest", str(delivery), "--source", "customs"]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert "4 = 2 clean + 1 rejected + 1 duplicates" in " ".join(result.output.split())
    (meta,) = raw_copy.glob("customs/*/bps_2024_06.csv.meta.yml")
    provenance = yaml.safe_load(meta.read_text())
    assert (provenance["producer"], provenance["licence"]) == ("not stated", "not stated")
    assert provenance["origin"] == str(delivery.resolve())
    stated = ["--producer", "Bea Cukai Batam", "--licence", "CC BY 4.0", "--origin", "letter 7"]
    other = delivery.with_name("bps_2024_07.csv")
    other.write_bytes(delivery.read_bytes())
    given = CliRunner().invoke(app, ["ingest", str(other), "--source", "customs", *stated], env=env)
    assert given.exit_code == 0, given.output
    (meta,) = raw_copy.glob("customs/*/bps_2024_07.csv.meta.yml")
    provenance = yaml.safe_load(meta.read_text())
    assert (provenance["producer"], provenance["licence"]) == ("Bea Cukai Batam", "CC BY 4.0")
    assert provenance["origin"] == "letter 7"
    assert "[default: not stated]" in CliRunner().invoke(app, ["ingest", "--help"]).output
    again = CliRunner().invoke(app, args, env=env)
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_a_second_run_is_refused_while_one_holds_the_lock(raw_copy, tmp_path):
    where = isolated_paths(tmp_path, raw=raw_copy)
    env = {
        "THRIFTWATCH_RAW_DIR": str(raw_copy),
        "THRIFTWATCH_PROCESSED_DIR": str(where.processed),
        "THRIFTWATCH_REPORTS_DIR": str(where.reports),
        "THRIFTWATCH_PRIVATE_DIR": str(where.private),
    }
    with run_lock(where):
        with pytest.raises(RunLockedError, match="in progress"), run_lock(where):
            pass
        result = CliRunner().invoke(app, ["run", "--synthetic-rows", "5000"], env=env)
        assert result.exit_code == 1
        assert "another thriftwatch run is in progress" in " ".join(result.output.split())
        assert not where.manifest.exists()
    # released: the lock can be taken again
    with run_lock(where):
        pass


def test_a_rerun_redoes_only_the_steps_whose_inputs_changed(raw_copy, tmp_path, monkeypatch):
    from thriftwatch import pipeline

    monkeypatch.setenv("THRIFTWATCH_PSEUDONYM_KEY", "incremental-test")
    where = isolated_paths(tmp_path, raw=raw_copy)

    def reused(result: pipeline.RunResult) -> set[str]:
        return {s.name for s in result.results if s.details.get("reused")}

    data_steps = {"customs", "trade", "seizures", "listings", "concentration", "trends",
                  "takedowns"}  # fmt: skip
    first = pipeline.run(where, [], default_listings=5000)
    assert reused(first) == set()

    def tables(result: pipeline.RunResult) -> dict:
        return {p: p.read_bytes() for s in result.results if s.name in data_steps
                for p in s.outputs}  # fmt: skip

    before = tables(first)
    second = pipeline.run(where, [])
    assert reused(second) == data_steps
    assert tables(second) == before

    # a new seizures delivery: seizures and what reads it rerun, the rest is reused
    events = next((raw_copy / "seizures").glob("*/seizures_news.csv"))
    lines = events.read_text(encoding="utf-8").splitlines()
    later = raw_copy / "seizures" / "2031-01-31"
    later.mkdir()
    (later / events.name).write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    third = pipeline.run(where, [])
    assert reused(third) == {"customs", "trade", "listings", "concentration", "takedowns"}

    # an output damaged by hand is rebuilt, not trusted
    damaged = next(p for s in third.results if s.name == "customs" for p in s.outputs)
    damaged.write_bytes(b"not parquet")
    fourth = pipeline.run(where, [])
    assert "customs" not in reused(fourth)
    assert damaged.read_bytes() == before[damaged]

    assert reused(pipeline.run(where, [], force=True)) == set()
