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
#   title: Imported used clothing in Indonesia - policy brief
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
import json

import polars as pl
from IPython.display import Markdown, display

from thriftwatch import catalog, figures, trade, trends
from thriftwatch.editions import Edition
from thriftwatch.event_study import FEW_TREATED
from thriftwatch.figures import change_text
from thriftwatch.loaders.listings import keyword_examples

figures.use_notebook_renderer(plotlyjs)
edition = Edition.of(region, since)
gap = catalog.load("mirror_gap", processed_dir)
events = edition.rows(catalog.load("seizures_clean", processed_dir), date="event_date")
aggregates = catalog.load("enforcement_aggregates", processed_dir)
measures = catalog.load("concentration_measures", processed_dir)
regions = catalog.load("concentration_regions", processed_dir)
changes = catalog.load("run_changes", processed_dir)
listings = edition.rows(
    catalog.load("listings_clean", processed_dir, columns=[
        *trends.LISTING_COLUMNS, "synthetic", "province_code", "kabkota_code", "title",
        "keyword_rules", "source_file", "source_row"]),
    date="posted_at",
)  # fmt: skip
if edition.national:
    tables = {n: catalog.load(n, processed_dir) for n in
              ("trend_status", "trend_estimates", "trend_fitted", "trend_forecast")}  # fmt: skip
else:
    tables = trends.fit_all(listings, events)
status, estimates, fitted, forecast = (
    tables[n] for n in ("trend_status", "trend_estimates", "trend_fitted", "trend_forecast")
)
if edition.region is not None:  # the province of the edition's region
    regions = regions.filter(pl.col("province_code") == edition.region[:2])
manifest_path = catalog.path("customs_clean", processed_dir).parents[1] / "manifest.data.json"
manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
m = {(r["level"], r["unit"], r["measure"]): r["value"] for r in measures.iter_rows(named=True)}
synthetic = bool(listings["synthetic"].any())
synthetic_label = " (SYNTHETIC sample, not real data)" if synthetic else ""


def effect(model: str, term: str) -> dict | None:
    if not status.filter(pl.col("model") == model)["fitted"].item():
        return None
    rows = estimates.filter((pl.col("model") == model) & (pl.col("term") == term))
    return rows.row(0, named=True) if rows.height else None


# %% [markdown]
# # Imported used clothing in Indonesia: the evidence

# %%
if not edition.national:
    display(figures.warning(edition.label() + " Trade figures are national statistics."))
if synthetic:
    display(figures.warning(
        "The seller and listings figures in this brief come from a SYNTHETIC sample that "
        "thriftwatch generated because no real listings export was provided. They show the "
        "method, not the market. Trade and enforcement figures are real (quoted from news "
        "reports of official statistics)."
    ))  # fmt: skip

year = trade.latest_comparable_year(gap, "MYS")
mys = trade.gap_cell(gap, "MYS", year)
both = gap.filter((pl.col("year") == year) & (pl.col("coverage_kg") == "both"))
counted = events.filter(pl.col("counts_in_totals"))
djbc = aggregates.filter(
    pl.col("metric").str.starts_with("DJBC enforcement actions")
    & pl.col("period_label").is_in(["2020", "2021", "2022"])
).unique("period_label")
crackdown_listings = effect("Intervention model of listings", "crackdown_level")
crackdown_events = effect("Count model of events", "crackdown_level")
rows = [
    ("Worn clothing Malaysia reports exporting to Indonesia", figures.tonnes(mys["mirror_kg"]),
     str(year), "ITC Trade Map via API, news quote"),
    ("... of which BPS records as imported from Malaysia", figures.tonnes(mys["reported_kg"]),
     str(year), "BPS, news quote"),
    ("Shipped by partners but not in Indonesia's records",
     figures.tonnes(both["unrecorded_kg"].sum()), f"{year}, {both.height} partners",
     "mirror statistics"),
    ("Enforcement events in the news record", f"{events.height}",
     f"{events['event_date'].min().year}-{events['event_date'].max().year}",
     "news and agency reports"),
    ("Bales seized or destroyed in those events (counted once)",
     f"{counted.filter(pl.col('quantity_unit') == 'bale')['quantity_value'].sum():,.0f}",
     f"{events['event_date'].min().year}-{events['event_date'].max().year}",
     "news and agency reports"),
    ("Customs (DJBC) enforcement actions", f"{djbc['value'].sum():,.0f}", "2020-2022",
     "DJBC, news quote"),
    ("Greater Bandung's share of sellers" + synthetic_label,
     f"{m[('kabkota', 'sellers', 'greater_bandung_share')]:.1%} (people: "
     f"{m[('kabkota', 'sellers', 'greater_bandung_population_share')]:.1%})",
     "all listings", "listings"),
]  # fmt: skip
if crackdown_events:
    ratio = (
        f"x{crackdown_events['effect']:.1f} "
        f"({crackdown_events['effect_low']:.1f}-{crackdown_events['effect_high']:.1f})"
    )
    rows.append(("Enforcement events per month after the March 2023 crackdown", ratio,
                 "2015-2024", "count model"))  # fmt: skip
if crackdown_listings:
    rows.append(("Listings after the crackdown" + synthetic_label,
                 f"{crackdown_listings['effect']:+.0f} % ({crackdown_listings['effect_low']:+.0f}"
                 f" to {crackdown_listings['effect_high']:+.0f} %)", "level shift",
                 "intervention model"))  # fmt: skip
figures.table(
    pl.DataFrame(rows, schema=["what", "value", "period", "source"], orient="row"),
    {"what": "Key number", "value": "Value", "period": "Period", "source": "Source"},
    caption="The evidence in one screen",
    note="Every number is computed from the processed data of this run; ranges are 95 % "
    "intervals. Sections below give the figures and their sources.",
)

# %% [markdown]
# ## Trade: shipped, not recorded

# %%
figures.mirror_vs_reported_by_year(gap, "MYS")

# %% [markdown]
# ## Enforcement

# %%
model = "Count model of events"
if status.filter(pl.col("model") == model)["fitted"].item():
    display(figures.trend_chart(
        fitted.filter(pl.col("model") == model), None,
        title="Reported enforcement events per month, with the count model",
        unit="events per month",
        source="Source: enforcement events compiled from news and agency sites (not a census).",
    ))  # fmt: skip

# %% [markdown]
# ## Where the sellers are

# %%
display(figures.choropleth(
    regions.filter((pl.col("level") == "province") & (pl.col("unit") == "sellers")),
    catalog.boundaries("province", processed_dir),
    value="per_100k", unit="per 100k",
    title="Sellers of second-hand clothing per 100,000 people" + synthetic_label,
    source="Source: " + ("SYNTHETIC listings generated by thriftwatch" if synthetic
                         else "listings exports") + "; population: Dukcapil, December 2024.",
))  # fmt: skip

# %%
figures.table(
    keyword_examples(listings).with_columns(pl.col("keyword_rules").list.join(", ")),
    {"title": "Listing title", "keyword_rules": "Keyword rules matched"},
    caption="What second-hand listings say" + synthetic_label,
    note="Titles are shown as text: any markup in them (as in the last example, when present) "
    "is escaped, never run. Seller names, links and phone numbers are never shown.",
)

# %% [markdown]
# ## The listings trend

# %%
model = "Intervention model of listings"
if status.filter(pl.col("model") == model)["fitted"].item():
    display(figures.trend_chart(
        fitted.filter(pl.col("model") == model), forecast.filter(pl.col("model") == model),
        title="Second-hand listings per month" + synthetic_label, unit="listings per month",
        source="Source: " + ("SYNTHETIC listings generated by thriftwatch" if synthetic
                             else "listings exports") + ".",
    ))  # fmt: skip

# %% [markdown]
# ## Did takedowns work?

# %%
effects = catalog.load("takedown_effects", processed_dir)
paths = catalog.load("takedown_dynamics", processed_dir)
returns = catalog.load("takedown_comebacks", processed_dir)
own = catalog.load("takedown_accounts", processed_dir)
listing_source = ("SYNTHETIC listings generated by thriftwatch, with simulated takedowns"
                  if synthetic else "listings exports")  # fmt: skip


push = {r["outcome"]: r for r in effects.filter(pl.col("event") == "platform_push").iter_rows(
    named=True)}  # fmt: skip
lines = [
    f"**{push['listings']['label']}** ({push['listings']['date']}): listings on the platforms "
    f"it targeted changed by {change_text(push['listings'])} against the marketplaces over "
    f"the same months, and active sellers by {change_text(push['sellers'])}{synthetic_label}. "
    f"({push['listings']['treated_units']} platform-province cells targeted, "
    f"{push['listings']['control_units']} for comparison; "
    "Poisson model with cell and month effects.)",
]
if returns.height:
    counts = dict(returns["status"].value_counts().iter_rows())
    came_back = returns.filter(pl.col("status") == "came back under a new handle")
    reported = effects.filter(pl.col("event").str.starts_with("reported_"))
    lines.append(
        f"**{returns.height} reported accounts**{synthetic_label}: "
        f"{counts.get('still active', 0)} kept posting under their handle, "
        f"{counts.get('came back under a new handle', 0)} "
        f"({counts.get('came back under a new handle', 0) / returns.height:.0%}) came back under "
        "a new handle (a new account in the same kab/kota reposting their titles at their "
        f"prices, a median {came_back['days_to_return'].median() or 0:.0f} days after the "
        f"report), and {counts.get('gone', 0)} were not seen again."
    )
    for (event,), rows in own.group_by("event", maintain_order=True):
        alone, joined = (rows.filter(pl.col("measure") == m).row(0, named=True)
                         for m in ("the accounts alone", "with their new handles"))  # fmt: skip
        platform_name = event.removeprefix("reported_")
        lines.append(
            f"Against {alone['matched']} unreported {platform_name} accounts that were as "
            "active before, the reported accounts' own listings changed by "
            f"{change_text(alone)}; "
            "counting the listings of the new handles they came back under, by "
            f"{change_text(joined)}{synthetic_label}."
        )
    for row in reported.filter(pl.col("outcome") == "listings").iter_rows(named=True):
        few = row["effect"] is not None and row["treated_units"] < FEW_TREATED
        caution = (f" Only {row['treated_units']} platform-province cell(s) hold these accounts, "
                   "so this interval understates the uncertainty." if few else "")  # fmt: skip
        if few and row["placebos"]:
            verdict = ("larger than almost all of them" if row["placebo_p"] <= 0.1
                       else "within their usual variation")  # fmt: skip
            caution += (
                f" Compared with {row['placebos']} similar cells treated on paper (placebos), "
                f"whose changes ranged from {100 * row['placebo_low']:+.0f} % to "
                f"{100 * row['placebo_high']:+.0f} %, this change is {verdict} "
                f"(placebo p = {row['placebo_p']:.2f})."
            )
        lines.append(
            f"Listings in the cells where the {row['label']} sold: {change_text(row)}." + caution
        )
if not edition.national:
    lines.append("These figures are national: takedowns are decided per platform.")
display(Markdown("\n\n".join(lines)))

# %%
push_path = paths.filter((pl.col("event") == "platform_push") & (pl.col("outcome") == "listings"))
if push_path.height:  # none when the data have no comparison cells or do not span the date
    display(figures.event_study_chart(
        push_path,
        title="Listings on targeted platforms against marketplaces, month by month"
        + synthetic_label,
        source=f"Source: {listing_source}; thriftwatch event study (Poisson, cell and month "
        "effects, errors clustered by platform-province cell). Unit: % change in listings.",
    ))  # fmt: skip

# %%
if returns.height:
    display(figures.table(
        returns["status"].value_counts().sort("count", descending=True)
        .with_columns(share=pl.col("count") / returns.height),
        {"status": "What happened to the reported account", "count": "Accounts",
         "share": "Share"},
        caption="Reported accounts after the report" + synthetic_label,
        note="Still active: posted under the same handle after a 14-day grace period. Came "
        "back: a new account, first seen within 26 weeks in the same kab/kota, repeating at "
        "least two of the old account's titles at the same price. Accounts are pseudonymous "
        "here; the list that names them is made only by `thriftwatch takedown` from the "
        "private seller map.",
        formats={"share": lambda v: f"{v:.0%}"},
        numeric=("count", "share"),
    ))  # fmt: skip

# %% [markdown]
# ## What changed since the last run

# %%
previous = changes["previous_run"].drop_nulls()
display(Markdown(
    f"Compared with run {previous.first()}." if previous.len()
    else "This is the first run on this machine: every row is new."
))  # fmt: skip
figures.table(
    changes.select("table", "added", "removed", "changed", "unchanged"),
    {"table": "Table", "added": "Rows added", "removed": "Removed", "changed": "Changed",
     "unchanged": "Unchanged"},
    caption="Rows added, removed and changed per table",
    note="A row is matched by its key (file and row, event, partner-year or region).",
    formats={c: (lambda v: f"{v:,}") for c in ("added", "removed", "changed", "unchanged")},
    numeric=("added", "removed", "changed", "unchanged"),
)  # fmt: skip

# %% [markdown]
# ## Sources and caveats
#
# - **Trade**: every trade figure is a news quote of BPS, ITC Trade Map, UN Comtrade or DOSM
#   statistics, compiled by hand with its source page. The mirror weights were quoted by the
#   Indonesian Textile Association (API), an interested party. Check against BPS and UN
#   Comtrade before citing.
# - **Enforcement**: events compiled from news and agency reports, 2015-2024; not a census
#   (customs alone reports hundreds of actions a year). Figures conflict between outlets; the
#   event table records which was used and why.
# - **Listings**: seller identities are keyed pseudonyms; no handle, link or identifier is
#   published, and regions with fewer than 5 sellers are suppressed.
# - **Takedowns**: listings counted are what a scrape sees; a fall after a takedown can also
#   mean sellers moved to channels no scrape covers (WhatsApp, closed groups). The list of
#   reported accounts is pseudonymised on load like the listings.
# - **Models**: effects come with 95 % intervals; an interval that includes no change means
#   the data cannot tell the effect from noise.

# %%
display(Markdown(
    f"Run **{manifest.get('run_id', run_id)}**, started {manifest.get('started', 'n/a')}; "
    f"{len(manifest.get('inputs', []))} input files, each with its sha256 in the run manifest. "
    "The data manifest's sha256 is printed at the foot of this page."
))  # fmt: skip
