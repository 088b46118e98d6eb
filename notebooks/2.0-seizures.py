# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
#   title: Seizures of imported used clothing
# ---

# %% tags=["parameters"]
# Parameters: papermill sets them for a brief; the defaults suit interactive use.
processed_dir = None
run_id = "interactive"
# region: a province (32) or kab/kota (3273) code for a regional edition; since: YYYY-MM-DD;
# plotlyjs: "inline" (the brief opens offline) or "cdn" (for publishing online).
region = None
since = None
plotlyjs = "inline"

# %%
import polars as pl
from IPython.display import Markdown, display

from thriftwatch import catalog, figures, trends
from thriftwatch.editions import Edition
from thriftwatch.policy import POLICY_LABELS
from thriftwatch.provenance import outlet
from thriftwatch.reference import region_codes

figures.use_notebook_renderer(plotlyjs)
edition = Edition.of(region, since)
events = edition.rows(catalog.load("seizures_clean", processed_dir), date="event_date")
aggregates = catalog.load("enforcement_aggregates", processed_dir)
count = trends.count_model(trends.seizure_month_series(events)) if events.height else None
names = dict(
    region_codes().filter(pl.col("level") == "provinsi").select("kode", "nama").iter_rows()
)
sites = sorted({outlet(s) for ss in events["sources"] for s in ss if "://" in s})
source = (
    f"Source: enforcement events compiled from {len(sites)} news and agency sites, "
    f"{trends.year_span(events['event_date'])}; not a census."
)

# %% [markdown]
# # Seizures of imported used clothing

# %%
if not edition.national:
    display(figures.warning(edition.label(names) + " Officials' totals are national."))
counted = events.filter(pl.col("counts_in_totals"))
bales = counted.filter(pl.col("quantity_unit") == "bale")["quantity_value"].sum()
rupiah = counted["value_idr"].sum()
djbc = trends.calendar_year_totals(aggregates, "DJBC enforcement actions")
djbc_years = djbc["period_start"].dt.year().to_list()
in_table = events.filter(pl.col("event_date").dt.year().is_in(djbc_years)).height
if events.is_empty():
    display(Markdown("No enforcement event in the news record falls in this edition."))
else:
    display(
        Markdown(
            f"The news record holds **{events.height} enforcement events** from "
            f"{events['event_date'].min():%B %Y} to {events['event_date'].max():%B %Y}: "
            f"{(events['action'] == 'seizure').sum()} seizures, "
            f"{(events['action'] == 'interdiction').sum()} interdictions at sea, "
            f"{(events['action'] == 'raid').sum()} raids and "
            f"{(events['action'] == 'destruction').sum()} destructions, together at least "
            f"**{bales:,.0f} bales** and **Rp {rupiah / 1e9:,.1f} billion** of goods (counting "
            "goods once where a destruction follows a seizure).\n\n"
            + (
                f"It is a small, uneven sample: customs (DJBC) alone reports "
                f"{djbc['value'].sum():,.0f} enforcement actions nationally in "
                f"{trends.year_span(djbc['period_start'])}, against {in_table} events in this "
                "table for those years. Use the table for places, routes and examples; use the "
                "officials' totals for volumes."
                if djbc.height
                else "It is not a census: use it for places, routes and examples."
            )
        )
    )

# %% [markdown]
# ## Where the goods were caught

# %%
by_province = (
    events.group_by("province_code").len("events")
    .with_columns(province=pl.col("province_code").replace_strict(names, default="other"))
    .sort("events", descending=True)
)  # fmt: skip
figures.bars(by_province, "province", "events",
             title="Enforcement events by province, " + trends.year_span(events["event_date"]),
             unit="events", source=source, horizontal=True)  # fmt: skip

# %% [markdown]
# ## Over time
#
# Events per month, with a count model (trend and a step at each policy date). Reported
# events measure enforcement and press attention as much as smuggling.

# %%
if count is not None and count.fitted:
    reading = {r["term"]: r for r in count.estimates.iter_rows(named=True)}
    lines = [
        figures.effect_text(reading[t], what=label)
        for t, label in (
            ("crackdown_level", f"After the {POLICY_LABELS['crackdown']}, events per month"),
            ("platforms_level", f"After the {POLICY_LABELS['platforms']}"),
            ("ban_level", "After the June 2022 ban came into force"),
        )
        if t in reading
    ]
    display(Markdown("\n".join(f"- {line}." for line in lines)))
    display(
        figures.trend_chart(
            count.fitted_values,
            None,
            title="Enforcement events per month: reported and modelled",
            unit="events per month",
            source=source,
        )
    )
else:
    display(Markdown(f"No count model: {count.reason if count else 'no events'}."))

# %% [markdown]
# ## What officials report

# %%
official = aggregates.filter(pl.col("value").is_not_null()).select(
    "period_label", "metric", "value", "unit", "source"
)
figures.table(
    official.head(25),
    {"period_label": "Period", "metric": "What", "value": "Figure", "unit": "Unit"},
    caption="Officials' and platforms' totals, as quoted",
    note=figures.source_note(official),
    formats={"value": lambda v: f"{v:,.0f}" if v >= 100 else f"{v:,.2f}"},
    numeric=("value",),
)
