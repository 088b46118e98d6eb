"""The streamed listings path gives the rows the in-memory path gives, chunk by chunk."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from thriftwatch.errors import DataError
from thriftwatch.loaders.listings import load_listings
from thriftwatch.loaders.listings_stream import stream_listings
from thriftwatch.privacy import KEY_ENV
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
    # in file order, as the in-memory path keeps them
    assert_frame_equal(pl.read_parquet(streamed.clean), eager.clean)
    assert_frame_equal(streamed.rejected, eager.rejected)
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


def test_streamed_personal_data_is_the_in_memory_one_and_owner_only(sample, tmp_path):
    where, path = sample
    eager = load_listings(path, where)
    streamed = stream_listings(
        path, tmp_path / "clean.parquet", where, chunk_rows=7_000,
        personal=tmp_path / "personal.parquet",
    )  # fmt: skip
    assert streamed.personal == tmp_path / "personal.parquet"
    assert streamed.personal.stat().st_mode & 0o777 == 0o600
    assert eager.personal is not None and eager.personal.height > 25_000
    assert_frame_equal(pl.read_parquet(streamed.personal), eager.personal)
    assert not list(tmp_path.glob(".*parts"))  # chunk files removed


def _step_outputs(where, stream_mb: str, monkeypatch) -> dict[str, pl.DataFrame]:
    from thriftwatch import catalog, steps
    from thriftwatch.privacy import read_seller_map

    monkeypatch.setenv("THRIFTWATCH_STREAM_MB", stream_mb)
    result = steps.listings.run(where)
    sellers, urls = read_seller_map(where)
    names = ("listings_clean", "listings_rejected", "listings_files")
    streamed = pl.DataFrame({"file": result.details["streamed"]}, schema={"file": pl.String})
    return {
        **{n: catalog.load(n, where) for n in names},
        "sellers": sellers,
        "urls": urls,
        "streamed": streamed,
    }


def test_the_listings_step_streams_large_csv_files_to_the_same_tables(
    sample, tmp_path, monkeypatch
):
    where, path = sample
    snapshot = tmp_path / "raw" / "listings" / "2024-06-01"
    snapshot.mkdir(parents=True)
    lines = path.read_text().splitlines(keepends=True)
    (snapshot / "a_national.csv").write_text("".join(lines))  # ~5 MB: streamed at 1 MB
    (snapshot / "b_small.csv").write_text("".join(lines[:1] + lines[-800:]))  # in memory
    runs = {}
    for mb in ("400", "1"):
        here = dataclasses.replace(
            where, raw=tmp_path / "raw", processed=tmp_path / f"processed-{mb}",
            private=tmp_path / f"private-{mb}",
        )  # fmt: skip
        monkeypatch.setenv(KEY_ENV, "one key for both runs, so the same pseudonyms")
        runs[mb] = _step_outputs(here, mb, monkeypatch)
    assert runs["400"]["streamed"].is_empty()
    assert runs["1"]["streamed"]["file"].to_list() == ["a_national.csv"]
    for name in ("listings_clean", "listings_rejected", "listings_files", "sellers", "urls"):
        assert_frame_equal(runs["1"][name], runs["400"][name], check_column_order=False)
    accounting = runs["1"]["listings_files"]
    assert accounting["file"].to_list() == ["a_national.csv", "b_small.csv"]
    assert runs["1"]["listings_clean"].height > 25_000
    assert not list((tmp_path / "processed-1").rglob(".listings-*"))
    assert not list((tmp_path / "private-1").glob(".personal-*"))


def test_the_stream_threshold_must_be_a_number():
    from thriftwatch.config import STREAM_MB, stream_mb

    assert stream_mb({}) == STREAM_MB
    assert stream_mb({"THRIFTWATCH_STREAM_MB": "2.5"}) == 2.5
    with pytest.raises(ValueError, match="THRIFTWATCH_STREAM_MB"):
        stream_mb({"THRIFTWATCH_STREAM_MB": "lots"})
