"""`thriftwatch fetch comtrade`: clear refusals, a key that never leaks, dated snapshots."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pandas as pd
import pytest
import yaml
from formats import COMTRADE_HEADER, comtrade_import_row, comtrade_row
from typer.testing import CliRunner

from thriftwatch import load_customs
from thriftwatch.cli import app
from thriftwatch.fetch import FetchError, fetch_comtrade
from thriftwatch.snapshots import SnapshotExistsError

KEY = "test-key-5f1c9a"


def test_without_a_key_it_stops_with_a_message_and_writes_nothing(tmp_path):
    result = CliRunner().invoke(
        app,
        ["fetch", "comtrade", "--year", "2022"],
        env={"COMTRADE_API_KEY": "", "THRIFTWATCH_RAW_DIR": str(tmp_path)},
    )
    assert result.exit_code == 1
    assert "COMTRADE_API_KEY is not set" in result.output
    assert not any(tmp_path.rglob("*.csv"))


def test_a_failing_request_never_shows_the_key(tmp_path):
    """The real client, offline here (or refused, where a network exists): the message
    explains, the key is redacted, nothing is written."""
    result = CliRunner().invoke(
        app,
        ["fetch", "comtrade", "--year", "2022", "--reporter", "MYS"],
        env={"COMTRADE_API_KEY": KEY, "THRIFTWATCH_RAW_DIR": str(tmp_path)},
    )
    assert result.exit_code == 1
    assert "UN Comtrade request failed" in result.output
    assert KEY not in result.output
    assert not any(tmp_path.rglob("*"))


class FakeComtrade:
    """Answers like `comtradeapicall.getFinalData`: a pandas frame of v1 records."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, key, **params):
        self.calls.append(params)
        if params["flowCode"] == "X":
            rows = [comtrade_row(year=2022), comtrade_row(year=2021, kg="25323000")]
        else:
            rows = [comtrade_import_row()]
        return pd.read_csv(io.StringIO(COMTRADE_HEADER + "\n" + "\n".join(rows)), dtype=str)


def test_fetch_writes_a_dated_snapshot_that_loads_and_never_overwrites(tmp_path):
    fake = FakeComtrade()
    day = dt.date(2026, 11, 30)
    path = fetch_comtrade(
        tmp_path, [2021, 2022], api_key=KEY, reporters=["MYS", "SGP"], day=day, getter=fake
    )
    assert path == tmp_path / "2026-11-30" / "comtrade_hs6309_A_2021-2022.csv"
    assert [c["flowCode"] for c in fake.calls] == ["X", "M"]
    assert fake.calls[0]["reporterCode"] == "458,702" and fake.calls[0]["partnerCode"] == "360"
    assert fake.calls[0]["period"] == "2021,2022" and fake.calls[1]["reporterCode"] == "360"

    loaded = load_customs(path)
    assert loaded.info["format"] == "comtrade"
    assert (loaded.clean.height, loaded.rejected.height) == (3, 0)

    meta_path = path.with_name(path.name + ".meta.yml")
    meta = yaml.safe_load(meta_path.read_text())
    assert meta["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert meta["rows"] == 3 and meta["date_accessed"] == "2026-11-30"
    for written in (path, meta_path):
        assert KEY not in written.read_text()

    with pytest.raises(SnapshotExistsError):
        fetch_comtrade(
            tmp_path, [2021, 2022], api_key=KEY, reporters=["MYS", "SGP"], day=day, getter=fake
        )


def test_unknown_reporter_is_refused_before_any_request(tmp_path):
    with pytest.raises(FetchError, match="no UN Comtrade code known for ZZZ"):
        fetch_comtrade(tmp_path, [2022], api_key=KEY, reporters=["ZZZ"])
