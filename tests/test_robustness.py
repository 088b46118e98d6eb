"""Bad input: every loader either loads a file, accounting for every row, or fails with a
`DataError` naming the file. No other exception may escape, whatever lands in `data/raw/`."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thriftwatch import DataError
from thriftwatch.config import Paths
from thriftwatch.loaders.base import Loaded
from thriftwatch.loaders.customs import load_customs
from thriftwatch.loaders.listings import load_listings
from thriftwatch.loaders.seizures import load_seizures

TRADE = "year,period,reporter,partner,flow,net_weight_kg,value_usd,source"
EVENTS = "event_id,event_date,action,agency,province,kabkota,quantity,unit,value_idr,source_url"
LISTINGS = "platform,listing_id,username,seller_location,caption,price,posted_at"
TRADE_ROW = "2022,2022,Indonesia,Jepang,import,5,6,s"


def _blob() -> bytes:
    """The first bytes of a real parquet file: a download that stopped early."""
    buffer = io.BytesIO()
    pl.DataFrame({"title": ["a"] * 100, "price": ["1000"] * 100}).write_parquet(buffer)
    return buffer.getvalue()[:300]


#: name -> content; each is offered to all three loaders.
BAD = {
    "empty.csv": b"",
    "blank_lines.csv": b"\n\n\n",
    "trade_header_only.csv": (TRADE + "\n").encode(),
    "events_header_only.csv": (EVENTS + "\n").encode(),
    "listings_header_only.csv": (LISTINGS + "\n").encode(),
    "random_bytes.csv": bytes(range(256)) * 8,
    "latin_noise.csv": bytes(range(128, 256)) * 8,
    "utf16_trade.csv": f"{TRADE}\n{TRADE_ROW}\n".encode("utf-16"),
    "pipe_delimited.csv": f"{TRADE}\n{TRADE_ROW}\n".replace(",", "|").encode(),
    "missing_columns.csv": b"year,partner,flow\n2022,Jepang,import\n",
    "duplicated_header.csv": b"source,flow,flow\n1,2,3\n",
    "two_mb_field.csv": f"{TRADE}\n{TRADE_ROW[:-1]}{'x' * 2_000_000}\n".encode(),
    "mixed_types.csv": f"{TRADE}\n{TRADE_ROW.replace(',5,', ',abc,')}\n{TRADE_ROW}\n".encode(),
    "ragged.csv": f"{TRADE}\n2022,2022,Indonesia\n{TRADE_ROW},extra,extra\n{TRADE_ROW}\n".encode(),
    "open_quote.csv": f'{TRADE}\n2022,2022,"Indonesia,Jepang,import,5,6,s\n'.encode(),
    "truncated.parquet": _blob(),
    "not_a_workbook.xlsx": b"PK\x03\x04 this is not a zip archive" * 20,
    "broken.jsonl": b"{not json\n",
    "crlf_only.csv": b"\r\n\r\n",
}


@pytest.fixture(scope="module")
def loaders(refdata: Paths, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Callable]:
    """The three loaders, writing private files (handle keys) to a temporary folder."""
    where = dataclasses.replace(refdata, private=tmp_path_factory.mktemp("private"))
    return {
        "customs": load_customs,
        "seizures": lambda path: load_seizures(path, where),
        "listings": lambda path: load_listings(path, where),
    }


def outcome(loader: Callable, path: Path) -> Loaded | DataError:
    """What a loader makes of a file: a conserving `Loaded` or a `DataError` naming it."""
    try:
        result = loader(path)
    except DataError as exc:
        assert path.name in str(exc), str(exc)
        return exc
    assert isinstance(result, Loaded)
    assert result.n_raw == result.clean.height + result.rejected.height + result.n_duplicates
    return result


@pytest.mark.parametrize("kind", ["customs", "seizures", "listings"])
@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_load_or_fail_with_a_data_error(loaders, tmp_path, kind, name):
    path = tmp_path / name
    path.write_bytes(BAD[name])
    outcome(loaders[kind], path)


def test_what_each_bad_trade_file_becomes(loaders, tmp_path):
    """The exact outcome matters for the files a trade analyst actually meets."""
    results = {}
    for name, data in BAD.items():
        (tmp_path / name).write_bytes(data)
        results[name] = outcome(loaders["customs"], tmp_path / name)
    # Excel's "Unicode Text" export (UTF-16) and a pipe-delimited dump read as ordinary tables
    for name in ("utf16_trade.csv", "pipe_delimited.csv", "two_mb_field.csv"):
        assert isinstance(results[name], Loaded), results[name]
        assert results[name].clean.height == 1
    # a bad number is quarantined, the good row kept
    mixed = results["mixed_types.csv"]
    assert (mixed.clean.height, mixed.rejected.height) == (1, 1)
    # rows with too few or too many fields are quarantined saying so; the good one is kept
    ragged = results["ragged.csv"]
    assert ragged.clean.height == 1
    assert ragged.rejected["source_row"].to_list() == [1, 2]
    assert all("fields, the header 8" in r for r in ragged.rejected["reason"])
    # a header with nothing under it is an empty table, not an error
    assert results["trade_header_only.csv"].n_raw == 0
    # the unusable ones say why
    assert "duplicated column name" in str(results["duplicated_header.csv"])
    assert "'flow'" in str(results["duplicated_header.csv"])
    assert "NUL" in str(results["random_bytes.csv"])
    assert "unrecognised trade table header" in str(results["missing_columns.csv"])
    for name in ("empty.csv", "truncated.parquet", "not_a_workbook.xlsx", "latin_noise.csv"):
        assert isinstance(results[name], DataError), name


def test_a_ragged_row_in_a_listings_export_is_quarantined(loaders, tmp_path):
    path = tmp_path / "ragged_listings.csv"
    good = "shopee,s1,toko_a,Kota Bandung,Jaket thrift bekas impor,Rp 85.000,2023-03-01"
    path.write_text(f"{LISTINGS}\n{good}\nshopee,s2,toko_b\n", encoding="utf-8")
    result = outcome(loaders["listings"], path)
    assert isinstance(result, Loaded)
    assert result.n_raw == 2
    assert result.rejected.height == 1
    assert "row has 3 fields, the header 7" in result.rejected["reason"][0]


# ---- fuzzing: arbitrary bytes, and tables in the real header with arbitrary cells ----

FUZZ = settings(
    max_examples=int(os.environ.get("THRIFTWATCH_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".csv", ".xlsx", ".parquet"]))
def test_arbitrary_bytes_never_escape_as_another_exception(loaders, data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        for loader in loaders.values():
            outcome(loader, path)


CELL = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=30
)


@FUZZ
@given(
    header=st.sampled_from([TRADE, EVENTS, LISTINGS]),
    rows=st.lists(st.lists(CELL, min_size=0, max_size=12), max_size=25),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_real_headers_with_arbitrary_cells_conserve_rows(loaders, header, rows, delimiter):
    """Whatever the cells hold (quotes, newlines, too few or too many), rows are conserved."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header.split(","))
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        kind = {TRADE: "customs", EVENTS: "seizures", LISTINGS: "listings"}[header]
        outcome(loaders[kind], path)


def test_a_value_that_is_not_a_number_is_quarantined_not_fatal(loaders, tmp_path):
    """Found by the fuzzer: a stray ':' in the compiled table's value column crashed the load."""
    path = tmp_path / "events.csv"
    good = "E1,2023-03-14,seizure,Bea Cukai,Riau,Kota Dumai,120,bal,250000000,https://x.go.id/a"
    path.write_text(f"{EVENTS}\n{good}\n{good.replace('E1', 'E2').replace('250000000', ':')}\n")
    result = outcome(loaders["seizures"], path)
    assert isinstance(result, Loaded)
    assert result.rejected["reason"].to_list() == ["value_idr is not a plain number"]
