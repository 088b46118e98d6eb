"""Figures and tables for notebooks and briefs: one plotly theme, every figure with its unit in
the title and its source under the plot, every table escaped and captioned."""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable, Sequence

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
from plotly.io.base_renderers import MimetypeRenderer
from plotly.offline import get_plotlyjs

from thriftwatch.policy import POLICY_DATES, POLICY_LABELS
from thriftwatch.provenance import attribution

MIRROR = "#b2182b"  # partner-reported exports
REPORTED = "#2166ac"  # Indonesia-reported imports
GREY = "#6b6b6b"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

pio.templates["thriftwatch"] = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT, "size": 13, "color": "#222"},
        title={"x": 0, "xanchor": "left", "font": {"size": 16}},
        plot_bgcolor="white",
        paper_bgcolor="white",
        xaxis={"showgrid": False, "linecolor": "#999", "ticks": "outside"},
        yaxis={"gridcolor": "#e5e5e5", "zeroline": False},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
        margin={"l": 70, "r": 60, "t": 100, "b": 110},
        colorway=[MIRROR, REPORTED, "#4d9221", "#e08214", "#542788", GREY],
    )
)


class OfflineHtmlRenderer(MimetypeRenderer):
    """Figures as `text/html` that draw with no network: plotly.js is inlined once, when the
    renderer is activated, and no figure asks a CDN for plotly.js or MathJax.

    plotly's own `notebook` renderer adds a MathJax `<script src>` from a CDN to every figure,
    which a brief opened offline cannot load. With `cdn=True` (for briefs published online)
    the first figure loads plotly.js from plotly's CDN instead and the page stays small.
    """

    def __init__(self, cdn: bool = False) -> None:
        self.cdn = cdn

    def activate(self) -> None:
        from IPython.display import display_html

        if self.cdn:  # plotly's own CDN tag, taken from what plotly writes for a page
            page = pio.to_html(go.Figure(), include_plotlyjs="cdn", full_html=False)
            script = re.search(r"<script[^>]*\ssrc=[^>]*></script>", page)[0]  # type: ignore[index]
        else:
            script = f'<script type="text/javascript">{get_plotlyjs()}</script>'
        display_html(
            f"<script>window.PlotlyConfig = {{MathJaxConfig: 'local'}};</script>{script}",
            raw=True,
        )

    def to_mimebundle(self, fig_dict: dict) -> dict[str, str]:
        page = pio.to_html(
            fig_dict,
            include_plotlyjs=False,
            include_mathjax=False,
            full_html=False,
            default_width="100%",
            default_height=525,
            validate=False,
            config={"displaylogo": False, "responsive": True},
        )
        return {"text/html": page}


def use_notebook_renderer(plotlyjs: str = "inline") -> None:
    """Render figures for notebooks that become HTML briefs (see `OfflineHtmlRenderer`):
    `plotlyjs="inline"` (offline, the default) or `"cdn"` (online publishing)."""
    if plotlyjs not in ("inline", "cdn"):
        raise ValueError(f"plotlyjs must be 'inline' or 'cdn', not {plotlyjs!r}")
    pio.renderers["thriftwatch"] = OfflineHtmlRenderer(cdn=plotlyjs == "cdn")
    pio.renderers.default = "thriftwatch"
    pio.templates.default = "plotly_white+thriftwatch"


# ---------------------------------------------------------------------------------------------
# Numbers as people read them


def tonnes(kg: float | None) -> str:
    """A weight for prose: `24,544 t`, `1.65 t`, `41 kg`; `n/a` when unknown."""
    if kg is None:
        return "n/a"
    t = kg / 1000
    if t >= 100:
        return f"{t:,.0f} t"
    if t >= 1:
        return f"{t:,.2f} t".replace(".00 t", " t")
    return f"{kg:,.0f} kg"


def usd(value: float | None) -> str:
    """A dollar amount for prose: `USD 272,146`, `USD 1.5 million`; `n/a` when unknown."""
    if value is None:
        return "n/a"
    if value >= 1e6:
        return f"USD {value / 1e6:,.1f} million"
    return f"USD {value:,.0f}"


def times(ratio: float | None) -> str:
    """A ratio for prose: `14,875×`; `n/a` when unknown."""
    return "n/a" if ratio is None else f"{ratio:,.0f}×"


# ---------------------------------------------------------------------------------------------
# Sources


def source_note(rows: pl.DataFrame, *prefixes: str, label: str = "Source") -> str:
    """`Source: ...` computed from the rows a figure or table shows (`provenance.attribution`:
    producer, official extract or news quote, and outlet), under each column prefix given."""
    return f"{label}: {attribution(rows, *prefixes)}."


def _with_source(fig: go.Figure, note: str) -> go.Figure:
    """Put the source under the plot, so it travels with the figure wherever it is copied."""
    fig.add_annotation(
        text="<br>".join(html.escape(line) for line in textwrap.wrap(note, 150)),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-60,  # pixels below the plot area, under the axis title
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"size": 11, "color": GREY},
    )
    return fig


# ---------------------------------------------------------------------------------------------
# Charts


def _mirror_and_reported_bars(
    rows: pl.DataFrame, categories: list[str], labels: tuple[str, str], *, horizontal: bool
) -> go.Figure:
    """A pair of bars per category: partner-reported (mirror) and BPS-recorded tonnes, each
    labelled with its weight, or 'no figure' where no source gives one."""
    fig = go.Figure()
    axis = "%{y}" if horizontal else "%{x}"
    for column, label, colour in (
        ("mirror_kg", labels[0], MIRROR),
        ("reported_kg", labels[1], REPORTED),
    ):
        kg = rows[column].to_list()
        t = [None if v is None else v / 1000 for v in kg]
        fig.add_bar(
            x=t if horizontal else categories,
            y=categories if horizontal else t,
            orientation="h" if horizontal else "v",
            name=label,
            marker_color=colour,
            text=[tonnes(v) if v is not None else "no figure" for v in kg],
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"{axis}: %{{text}}<extra>{html.escape(label)}</extra>",
        )
    fig.update_layout(barmode="group")
    return fig


def mirror_vs_reported_by_year(gap: pl.DataFrame, partner_iso3: str) -> go.Figure:
    """Grouped bars per year: what the partner reports exporting to Indonesia and what BPS
    records importing from it, in tonnes on a log axis (the two differ by orders of
    magnitude). Years with only one side show only that bar."""
    rows = gap.filter(
        (pl.col("partner_iso3") == partner_iso3)
        & (pl.col("mirror_kg").is_not_null() | pl.col("reported_kg").is_not_null())
    ).sort("year")
    name = rows["partner_name"].drop_nulls().first() if rows.height else partner_iso3
    fig = _mirror_and_reported_bars(
        rows,
        rows["year"].cast(pl.String).to_list(),
        (f"{name} reports exporting to Indonesia", f"BPS records importing from {name}"),
        horizontal=False,
    )
    fig.update_layout(
        title=f"Worn clothing (HS 6309), {name} → Indonesia: mirror vs recorded, tonnes",
        yaxis={"type": "log", "title": "tonnes (log scale)", "dtick": 1},
        xaxis={"title": None, "type": "category"},
    )
    return _with_source(
        fig,
        source_note(rows, "mirror_", "reported_"),
    )


def mirror_vs_reported_by_partner(gap: pl.DataFrame, year: int) -> go.Figure:
    """Horizontal grouped bars for one year, one pair per partner country with either side,
    in tonnes on a log axis; transit hubs are marked."""
    rows = (
        gap.filter(
            (pl.col("year") == year)
            & (pl.col("partner_kind") == "country")
            & (pl.col("mirror_kg").is_not_null() | pl.col("reported_kg").is_not_null())
        )
        .with_columns(
            label=pl.when(pl.col("transit_hub"))
            .then(pl.format("{} (transit hub)", pl.col("partner_name")))
            .otherwise(pl.col("partner_name"))
        )
        .sort(pl.max_horizontal("mirror_kg", "reported_kg"), descending=False)
    )
    fig = _mirror_and_reported_bars(
        rows,
        rows["label"].to_list(),
        ("Partner reports exporting to Indonesia", "BPS records importing from the partner"),
        horizontal=True,
    )
    fig.update_layout(
        title=f"Worn clothing (HS 6309) to Indonesia in {year}, by partner: tonnes",
        xaxis={
            "type": "log",
            "title": "tonnes (log scale)",
            "showgrid": True,
            "gridcolor": "#e5e5e5",
            "dtick": 1,
        },
        yaxis={"title": None, "gridcolor": "rgba(0,0,0,0)"},
        height=140 + 48 * max(rows.height, 1),
    )
    return _with_source(
        fig,
        source_note(rows, "mirror_", "reported_")
        + " 'no figure': that side was not found in any source, which is not a zero.",
    )


def recorded_imports_by_year(figures: pl.DataFrame) -> go.Figure:
    """BPS-recorded imports of HS 6309 from all partners per year, in tonnes, with whiskers
    spanning what different sources quoted for the same year; years without a figure are
    labelled as gaps, not drawn as zero."""
    rows = figures.filter(
        (pl.col("reporter_iso3") == "IDN")
        & (pl.col("partner_iso3") == "WLD")
        & (pl.col("flow") == "import")
    ).sort("year")
    first, last = rows["year"].min(), rows["year"].max()
    present = set(rows["year"].to_list())
    missing = [y for y in range(first, last + 1) if y not in present] if rows.height else []
    kg = rows["net_weight_kg"]
    fig = go.Figure()
    fig.add_bar(
        x=rows["year"].to_list(),
        y=(kg / 1000).to_list(),
        name="BPS-recorded imports",
        marker_color=REPORTED,
        error_y={
            "type": "data",
            "symmetric": False,
            "array": ((rows["kg_max"] - kg) / 1000).to_list(),
            "arrayminus": ((kg - rows["kg_min"]) / 1000).to_list(),
            "color": GREY,
        },
        customdata=[[tonnes(v), usd(u)] for v, u in zip(kg, rows["value_usd"], strict=True)],
        hovertemplate="%{x}: %{customdata[0]}, %{customdata[1]} CIF<extra></extra>",
    )
    no_weight = rows.filter(pl.col("net_weight_kg").is_null())["year"].to_list()
    for year, label in [(y, "no figure") for y in missing] + [(y, "value only") for y in no_weight]:
        fig.add_annotation(
            x=year,
            y=0,
            yref="paper",
            text=label,
            showarrow=False,
            yanchor="bottom",
            font={"size": 10, "color": GREY},
            textangle=-90,
        )
    fig.update_layout(
        title="Worn clothing (HS 6309) imports recorded by BPS, all partners: tonnes per year",
        yaxis={"type": "log", "title": "tonnes (log scale)", "dtick": 1},
        xaxis={"title": None, "dtick": 1},
        showlegend=False,
    )
    return _with_source(
        fig,
        source_note(rows)
        + " Whiskers: range of the figures different sources quote for that year.",
    )


# ---------------------------------------------------------------------------------------------
# Tables


class Table:
    """An HTML table for notebooks and briefs; every cell is escaped."""

    def __init__(self, html_text: str) -> None:
        self.html = html_text

    def _repr_html_(self) -> str:
        return self.html


def table(
    df: pl.DataFrame,
    columns: dict[str, str],
    *,
    caption: str,
    note: str | None = None,
    formats: dict[str, Callable[[object], str]] | None = None,
    numeric: Sequence[str] = (),
) -> Table:
    """An escaped HTML table of `columns` (name -> header) with a caption and a source note."""
    formats = formats or {}
    num = ' class="num"'
    head = "".join(
        f"<th{num if name in numeric else ''}>{html.escape(label)}</th>"
        for name, label in columns.items()
    )
    body = []
    for row in df.select(list(columns)).iter_rows(named=True):
        cells = []
        for name, value in row.items():
            text = formats[name](value) if name in formats else ("" if value is None else value)
            cells.append(f"<td{num if name in numeric else ''}>{html.escape(str(text))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    foot = f'<p class="tw-note">{html.escape(note)}</p>' if note else ""
    return Table(
        f'<figure class="tw-table"><table><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{foot}</figure>"
    )


# ---------------------------------------------------------------------------------------------
# Maps (plotly geo with our own GeoJSON; the brief template keeps plotly from fetching its
# world topojson, so they draw offline)

SEQUENTIAL = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000", "#7f0000")
NO_DATA = "#d9d9d9"
ZERO = "#ffffff"
LISA_COLOURS = {"HH": "#d7191c", "HL": "#fdae61", "LH": "#abd9e9", "LL": "#2c7bb6",
                "not significant": "#eeeeee"}  # fmt: skip
LISA_LABELS = {"HH": "High among high (hot cluster)", "HL": "High among low (outlier)",
               "LH": "Low among high (outlier)", "LL": "Low among low (cold cluster)",
               "not significant": "Not significant"}  # fmt: skip


def classify(values: pl.Series, *, k: int = 5, scheme: str = "quantiles") -> list[float]:
    """Upper bounds of `k` classes of the positive values (mapclassify quantiles or
    Fisher-Jenks); fewer classes when there are fewer distinct values."""
    import mapclassify

    positive = values.drop_nulls().filter(values.drop_nulls() > 0).to_numpy()
    distinct = len(set(positive.round(6)))
    if distinct == 0:
        return []
    k = max(1, min(k, distinct))
    classifier = mapclassify.Quantiles if scheme == "quantiles" else mapclassify.FisherJenks
    return [float(b) for b in classifier(positive, k=k).bins]


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}" if value >= 1 else f"{value:.2f}"


def _discrete_map(
    codes: list[str],
    classes: list[int],
    labels: list[str],
    colours: list[str],
    hover: list[str],
    geojson: dict,
    title: str,
) -> go.Figure:
    n = len(labels)
    scale = []
    for i, colour in enumerate(colours):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    fig = go.Figure(
        go.Choropleth(
            geojson=geojson,
            featureidkey="properties.code",
            locations=codes,
            z=classes,
            zmin=-0.5,
            zmax=n - 0.5,
            colorscale=scale,
            marker_line_width=0.3,
            marker_line_color="#888",
            text=hover,
            hovertemplate="%{text}<extra></extra>",
            colorbar={
                "tickvals": list(range(n)),
                "ticktext": labels,
                "title": None,
                "thickness": 14,
                "len": 0.8,
            },
        )
    )
    # mercator with fitbounds draws Indonesia a third of the frame wide; equirectangular fills it
    fig.update_geos(fitbounds="locations", visible=False, projection_type="equirectangular")
    fig.update_layout(title=title, margin={"l": 10, "r": 10, "t": 60, "b": 90}, height=480)
    return fig


def choropleth(
    table: pl.DataFrame,
    geojson: dict,
    *,
    value: str,
    unit: str,
    title: str,
    source: str,
    scheme: str = "quantiles",
    k: int = 5,
    only: tuple[str, ...] | None = None,
) -> go.Figure:
    """A classed choropleth of `value` per region (`code`, `name`), legend in plain units.

    Regions with a zero value get their own class; suppressed cells (`suppressed` true) and
    missing values are grey and say so. `only` restricts the map (and its zoom) to some
    regions, as for greater Bandung."""
    rows = table if only is None else table.filter(pl.col("code").is_in(only))
    suppressed = rows["suppressed"] if "suppressed" in rows.columns else pl.repeat(
        False, rows.height, eager=True
    )  # fmt: skip
    bounds = classify(table.filter(~pl.col("suppressed") if "suppressed" in table.columns
                                   else pl.lit(True))[value], k=k, scheme=scheme)  # fmt: skip
    labels = ["no data or suppressed", "0"]
    lower = 0.0
    for b in bounds:
        labels.append(f"{_number(lower)}–{_number(b)} {unit}")
        lower = b
    colours = [NO_DATA, ZERO, *SEQUENTIAL[: len(bounds)]]
    classes, hover = [], []
    for name, v, hidden in zip(rows["name"], rows[value], suppressed, strict=True):
        if hidden or v is None:
            classes.append(0)
            hover.append(f"{html.escape(name)}: suppressed (fewer than 5 sellers)" if hidden
                         else f"{html.escape(name)}: no data")  # fmt: skip
            continue
        cls = 1 if v == 0 else 2 + next((i for i, b in enumerate(bounds) if v <= b),
                                         len(bounds) - 1)  # fmt: skip
        classes.append(cls)
        hover.append(f"{html.escape(name)}: {_number(v)} {unit}")
    shown = geojson if only is None else {
        **geojson, "features": [f for f in geojson["features"] if f["properties"]["code"] in only]
    }  # fmt: skip
    fig = _discrete_map(rows["code"].to_list(), classes, labels, colours, hover, shown, title)
    return _with_source(fig, source)


def lisa_map(local: pl.DataFrame, names: pl.DataFrame, geojson: dict, *, source: str) -> go.Figure:
    """Local Moran clusters per kab/kota (significant at 5 % by permutation)."""
    rows = local.join(names, on="code", how="left")
    order = list(LISA_COLOURS)
    classes = [order.index(c) for c in rows["lisa_cluster"]]
    hover = [
        f"{html.escape(name or code)}: {LISA_LABELS[cluster]}"
        for code, name, cluster in zip(rows["code"], rows["name"], rows["lisa_cluster"],
                                       strict=True)
    ]  # fmt: skip
    fig = _discrete_map(
        rows["code"].to_list(), classes, [LISA_LABELS[q] for q in order],
        list(LISA_COLOURS.values()), hover, geojson,
        "Clusters of sellers per 100,000 people (local Moran's I, kab/kota)",
    )  # fmt: skip
    return _with_source(fig, source)


def warning(text: str) -> Table:
    """A boxed warning for briefs (synthetic data, partial coverage); the text is escaped."""
    return Table(f'<div class="tw-warning">{html.escape(text)}</div>')


def quarterly_line(
    quarterly: pl.DataFrame, *, title: str, unit: str, source: str, markers: dict[str, str]
) -> go.Figure:
    """A line per series (`series`) of `count` per `quarter`, with dated policy markers."""
    fig = go.Figure()
    for (name,), rows in quarterly.sort("quarter").group_by("series", maintain_order=True):
        fig.add_scatter(x=rows["quarter"].to_list(), y=rows["count"].to_list(), mode="lines",
                        name=str(name))  # fmt: skip
    for date, label in markers.items():
        fig.add_vline(x=date, line_dash="dot", line_color=GREY)
        fig.add_annotation(x=date, y=1, yref="paper", text=html.escape(label), showarrow=False,
                           textangle=-90, xanchor="right", yanchor="top",
                           font={"size": 10, "color": GREY})  # fmt: skip
    fig.update_layout(title=title, yaxis={"title": unit, "rangemode": "tozero"},
                      xaxis={"title": None})  # fmt: skip
    return _with_source(fig, source)


POLICY_MARKERS = {POLICY_DATES[k].isoformat(): POLICY_LABELS[k] for k in POLICY_DATES}


def _markers(fig: go.Figure, markers: dict[str, str]) -> None:
    for date, label in markers.items():
        fig.add_vline(x=date, line_dash="dot", line_color=GREY)
        fig.add_annotation(x=date, y=1, yref="paper", text=html.escape(label), showarrow=False,
                           textangle=-90, xanchor="right", yanchor="top",
                           font={"size": 10, "color": GREY})  # fmt: skip


def trend_chart(
    fitted: pl.DataFrame,
    forecast: pl.DataFrame | None,
    *,
    title: str,
    unit: str,
    source: str,
    markers: dict[str, str] = POLICY_MARKERS,
) -> go.Figure:
    """Observed values, the model's fit (with its 95 % band where the model gives one), the
    forecast with its 95 % band, and dotted lines at the policy dates."""
    fig = go.Figure()
    x = fitted["period"].to_list()
    if {"fitted_low", "fitted_high"} <= set(fitted.columns) and fitted["fitted_low"].count():
        fig.add_scatter(x=x + x[::-1], y=fitted["fitted_high"].to_list()
                        + fitted["fitted_low"].to_list()[::-1], fill="toself",
                        fillcolor="rgba(178,24,43,0.12)", line={"width": 0},
                        name="fit, 95 % interval", hoverinfo="skip")  # fmt: skip
    fig.add_scatter(x=x, y=fitted["observed"].to_list(), mode="lines+markers", name="observed",
                    line={"color": GREY, "width": 1}, marker={"size": 4})  # fmt: skip
    fig.add_scatter(x=x, y=fitted["fitted"].to_list(), mode="lines", name="model",
                    line={"color": MIRROR, "width": 2})  # fmt: skip
    if forecast is not None and forecast.height:
        fx = forecast["period"].to_list()
        fig.add_scatter(x=fx + fx[::-1], y=forecast["high"].to_list()
                        + forecast["low"].to_list()[::-1], fill="toself",
                        fillcolor="rgba(33,102,172,0.15)", line={"width": 0},
                        name="forecast, 95 % interval", hoverinfo="skip")  # fmt: skip
        fig.add_scatter(x=fx, y=forecast["mean"].to_list(), mode="lines", name="forecast",
                        line={"color": REPORTED, "width": 2, "dash": "dash"})  # fmt: skip
    _markers(fig, markers)
    fig.update_layout(title=title, yaxis={"title": unit, "rangemode": "tozero"},
                      xaxis={"title": None})  # fmt: skip
    return _with_source(fig, source)


def bars(
    frame: pl.DataFrame,
    x: str,
    y: str,
    *,
    title: str,
    unit: str,
    source: str,
    horizontal: bool = False,
) -> go.Figure:
    """A plain bar chart of `y` by `x`."""
    fig = go.Figure()
    fig.add_bar(
        x=frame[y].to_list() if horizontal else frame[x].to_list(),
        y=frame[x].to_list() if horizontal else frame[y].to_list(),
        orientation="h" if horizontal else "v", marker_color=REPORTED,
        text=[f"{v:,.0f}" for v in frame[y].to_list()], textposition="outside", cliponaxis=False,
    )  # fmt: skip
    axis = {"title": unit}
    fig.update_layout(title=title, showlegend=False,
                      **({"xaxis": axis} if horizontal else {"yaxis": axis}))  # fmt: skip
    if horizontal:
        fig.update_layout(height=140 + 28 * max(frame.height, 1),
                          yaxis={"autorange": "reversed", "title": None})  # fmt: skip
    return _with_source(fig, source)


def effect_text(row: dict, *, what: str) -> str:
    """A plain-language reading of one estimated effect with its interval."""
    if row["effect_unit"] == "rate ratio":
        return (f"{what}: {row['effect']:.2f} times the earlier rate (95 % interval "
                f"{row['effect_low']:.2f} to {row['effect_high']:.2f})")  # fmt: skip
    return f"{what}: {_percent_interval(row['effect'], row['effect_low'], row['effect_high'])}"


def _percent_interval(effect: float, low: float, high: float) -> str:
    return f"{effect:+.0f} % (95 % interval {low:+.0f} % to {high:+.0f} %)"


def change_text(row: dict) -> str:
    """A relative change (`effect`, `ci_low`, `ci_high` as fractions) in words, or why it was
    not estimated (`note`)."""
    if row["effect"] is None:
        return f"not estimated ({row.get('note')})"
    return _percent_interval(100 * row["effect"], 100 * row["ci_low"], 100 * row["ci_high"])


def event_study_chart(path: pl.DataFrame, *, title: str, source: str) -> go.Figure:
    """Month-by-month change of the treated cells against the others (`rel`, `effect`,
    `ci_low`, `ci_high`, relative changes), with its 95 % intervals: flat before the event if
    the comparison is fair."""
    rows = path.sort("rel")
    pct = [100 * v for v in rows["effect"].to_list()]
    high = [100 * v - p for v, p in zip(rows["ci_high"].to_list(), pct, strict=True)]
    low = [p - 100 * v for v, p in zip(rows["ci_low"].to_list(), pct, strict=True)]
    fig = go.Figure()
    fig.add_scatter(
        x=rows["rel"].to_list(), y=pct, mode="markers", name="change",
        marker={"color": MIRROR, "size": 7},
        error_y={"type": "data", "symmetric": False, "array": high, "arrayminus": low,
                 "color": GREY},
    )  # fmt: skip
    fig.add_hline(y=0, line_color=GREY, line_width=1)
    fig.add_vline(x=0, line_dash="dot", line_color=GREY)
    fig.update_layout(
        title=title, showlegend=False, margin={"l": 80},
        xaxis={"title": "months from the event (the month before it = 0 % by construction)"},
        yaxis={"title": "% change vs comparison", "ticksuffix": " %"},
    )  # fmt: skip
    return _with_source(fig, source)
