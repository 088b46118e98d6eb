"""The streamed listings path gives the rows the in-memory path gives, chunk by chunk."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from thriftwatch.errors import DataError
from thriftwatch.loaders.listings import load_listings
from thriftwatch.loaders.listings_stream import stream_listings
from thriftwatch.synth import generate_listings


@pytest.fixture(scope="module")
def sample(refdata, tmp_path_factory):
    folder = tmp_path_factory.mktemp("stream")
    where = dataclasses.replace(refdata, private=folder / "private")
    result = generate_listings(30_000, 5, folder / "listings.csv", where)
    return where, result.path


def test_streamed_chunks_give_the_same_clean_and_quarantined_rows(sample, tmp_path):
    where, path = sample
    eager = load_listings(path, where)
    streamed = stream_listings(
        path, tmp_path / "clean.parquet", where, chunk_rows=7_000, key_rows=4_000
    )  # 5 chunks; reposts judged in 7 hash partitions of the keys
    assert streamed.chunks == 5
    clean = pl.read_parquet(streamed.clean).sort("source_row")
    assert_frame_equal(clean, eager.clean)
    assert_frame_equal(streamed.rejected.sort("source_row"), eager.rejected)
    assert (streamed.n_raw, streamed.n_duplicates) == (eager.n_raw, eager.n_duplicates)


def test_repeats_across_chunks_are_declared_duplicates(sample, tmp_path):
    where, path = sample
    lines = path.read_text().splitlines(keepends=True)
    copy = tmp_path / "repeats.csv"
    # rows 1-3 again at the end: in another chunk than their first copy
    copy.write_text("".join(lines[:2001] + lines[1:4]))
    eager = load_listings(copy, where)
    streamed = stream_listings(copy, tmp_path / "clean.parquet", where, chunk_rows=1_000)
    assert streamed.n_raw == eager.n_raw == 2003
    assert streamed.n_duplicates == eager.n_duplicates
    assert_frame_equal(pl.read_parquet(streamed.clean).sort("source_row"), eager.clean)


def test_rows_of_the_wrong_width_are_quarantined_when_streaming(refdata, tmp_path):
    where = dataclasses.replace(refdata, private=tmp_path / "private")
    path = tmp_path / "ragged.csv"
    path.write_text(
        "platform,seller_handle,seller_location,title,price\n"
        "instagram,a.thrift,Kota Bandung,kaos bekas,Rp 35.000\n"
        "instagram,b.thrift,Kota Bandung,kemeja bekas\n"
        "instagram,c.thrift,Kota Bandung,jaket thrift,Rp 120.000,extra\n"
        "instagram,d.thrift,Kota Bandung,hoodie preloved,95rb\n"
    )
    streamed = stream_listings(path, tmp_path / "clean.parquet", where, chunk_rows=2)
    eager = load_listings(path, where)
    assert streamed.rejected["reason"].to_list() == [
        "row has 4 fields, the header 5", "row has 6 fields, the header 5"
    ]  # fmt: skip
    assert_frame_equal(streamed.rejected.sort("source_row"), eager.rejected)
    assert pl.read_parquet(streamed.clean)["source_row"].to_list() == [1, 4]


def test_streaming_takes_csv_only(refdata, tmp_path):
    path = tmp_path / "listings.jsonl"
    path.write_text('{"title": "kaos bekas", "price": "35rb"}\n')
    with pytest.raises(DataError, match="streaming reads CSV"):
        stream_listings(path, tmp_path / "out.parquet", refdata)


def test_a_header_without_rows_streams_to_an_empty_table(refdata, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("platform,seller_handle,title,price\n")
    streamed = stream_listings(path, tmp_path / "out.parquet", refdata)
    assert (streamed.n_raw, streamed.n_clean, streamed.rejected.height) == (0, 0, 0)
    assert pl.read_parquet(streamed.clean).height == 0
