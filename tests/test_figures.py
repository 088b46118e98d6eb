"""Figure helpers: sources, numbers for prose, escaped tables."""

from __future__ import annotations

import polars as pl

from thriftwatch.figures import source_note, table, tonnes, usd


def test_source_note_names_producer_kind_and_outlet_of_the_rows_shown():
    rows = pl.DataFrame({
        "mirror_source_kind": ["news_quote", "news_quote", "un_comtrade", None],
        "mirror_producer": ["ITC Trade Map", "ITC Trade Map", "UN Comtrade", None],
        "mirror_source": ["https://www.kumparan.com/a", "https://kumparan.com/b",
                          "UN Comtrade (ct.csv)", None],
        "reported_source_kind": ["news_quote", None, None, None],
        "reported_producer": ["BPS", None, None, None],
        "reported_source": ["https://freightsight.com/x", None, None, None],
    })  # fmt: skip
    assert source_note(rows, "mirror_", "reported_") == (
        "Source: BPS, news quote (freightsight.com); ITC Trade Map, news quote (kumparan.com); "
        "UN Comtrade, official extract (UN Comtrade (ct.csv))."
    )
    assert source_note(rows.head(3), "mirror_") == (
        "Source: ITC Trade Map, news quote (kumparan.com); UN Comtrade, official extract "
        "(UN Comtrade (ct.csv))."
    )
    assert source_note(rows.tail(1), "mirror_") == "Source: no source."
    reports = pl.DataFrame({"source": ["https://a.go.id/x", "https://b.com/y", "https://b.com/z"]})
    assert source_note(reports) == "Source: published reports (a.go.id, b.com)."


def test_weights_and_values_read_as_people_write_them():
    assert [tonnes(24_544_000), tonnes(1650), tonnes(12_000), tonnes(41), tonnes(None)] == [
        "24,544 t",
        "1.65 t",
        "12 t",
        "41 kg",
        "n/a",
    ]
    assert [usd(272_146), usd(1_500_000), usd(None)] == ["USD 272,146", "USD 1.5 million", "n/a"]


def test_table_escapes_every_cell_and_caption():
    frame = pl.DataFrame({"title": ["<script>alert(1)</script>"], "kg": [1650.0]})
    page = table(
        frame,
        {"title": "Judul <b>", "kg": "Berat"},
        caption="A & B",
        formats={"kg": tonnes},
        numeric=("kg",),
    )._repr_html_()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Judul &lt;b&gt;" in page and "A &amp; B" in page
    assert '<td class="num">1.65 t</td>' in page


def test_a_suppressed_count_never_shows_as_a_number():
    from thriftwatch.suppression import count_cell, count_text, suppress

    table = suppress(pl.DataFrame({"status": ["gone", "back", "none"], "count": [3, 12, 0]}))
    assert [count_cell(v) for v in table["count"]] == ["<5", "12", "0"]
    assert [count_text(n, "sellers") for n in (3, 12, 0)] == [
        "fewer than 5 sellers", "12 sellers", "0 sellers"]  # fmt: skip
