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

from thriftwatch import catalog, concentration, figures, provenance, suppression, trade, trends
from thriftwatch.editions import Edition
from thriftwatch.event_study import COMEBACK_WEEKS, FEW_TREATED, GRACE_DAYS, MIN_MATCHES
from thriftwatch.figures import change_text
from thriftwatch.loaders.listings import keyword_examples
from thriftwatch.policy import CRACKDOWN, SUPPRESS_BELOW
from thriftwatch.reference import POPULATION_FILE, citation
from thriftwatch.suppression import count_text

figures.use_notebook_renderer(plotlyjs)
edition = Edition.of(region, since)
gap = catalog.load("mirror_gap", processed_dir)
events = edition.rows(catalog.load("seizures_clean", processed_dir), date="event_date")
aggregates = catalog.load("enforcement_aggregates", processed_dir)
measures = catalog.load("concentration_measures", processed_dir)
regions = catalog.load("concentration_regions", processed_dir)
bandung_count = int(concentration.group_share(
    regions.filter((pl.col("level") == "kabkota") & (pl.col("unit") == "sellers")),
    concentration.GREATER_BANDUNG,
)["count"])  # fmt: skip
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
        "method, not the market. Trade and enforcement figures are real ("
        + ("quoted from news reports of official statistics"
           if provenance.all_news_quotes(gap, "mirror_", "reported_")
           else "official extracts and quotes of official statistics, as each source line says")
        + ")."
    ))  # fmt: skip

mys = trade.headline(gap, "MYS")
partner, year = mys.get("partner_iso3"), mys.get("year")
both = gap.filter((pl.col("year") == year) & (pl.col("coverage_kg") == "both"))
counted = events.filter(pl.col("counts_in_totals"))
djbc = trends.calendar_year_totals(aggregates, "DJBC enforcement actions")
event_span = trends.year_span(events["event_date"])
crackdown_listings = effect("Intervention model of listings", "crackdown_level")
crackdown_events = effect("Count model of events", "crackdown_level")
rows = []
if mys:
    rows += [
        (
            f"Worn clothing {mys['partner_name']} reports exporting to Indonesia",
            figures.tonnes(mys["mirror_kg"]),
            str(year),
            provenance.attribution(mys, "mirror_"),
        ),
        (
            f"... of which BPS records as imported from {mys['partner_name']}",
            figures.tonnes(mys["reported_kg"]),
            str(year),
            provenance.attribution(mys, "reported_"),
        ),
        (
            "Shipped by partners but not in Indonesia's records",
            figures.tonnes(both["unrecorded_kg"].sum()),
            f"{year}, {both.height} partners",
            "mirror statistics: " + provenance.attribution(both, "mirror_", "reported_"),
        ),
    ]
else:
    rows.append(("Mirror gap", "not measurable", "", "no partner has both sides for one year"))
event_sources = provenance.attribution(
    events.select(pl.col("sources").explode().alias("source")).drop_nulls(), most=3
)
rows += [
    ("Enforcement events in the record", f"{events.height}", event_span, event_sources),
    (
        "Bales seized or destroyed in those events (counted once)",
        f"{counted.filter(pl.col('quantity_unit') == 'bale')['quantity_value'].sum():,.0f}",
        event_span,
        event_sources,
    ),
]
if djbc.height:
    rows.append(
        (
            "Customs (DJBC) enforcement actions",
            f"{djbc['value'].sum():,.0f}",
            trends.year_span(djbc["period_start"]) + f" ({djbc.height} calendar years)"
            if djbc.height > 1
            else trends.year_span(djbc["period_start"]),
            "DJBC, " + provenance.attribution(djbc),
        )
    )
rows.append((
    "Greater Bandung's share of sellers" + synthetic_label,
    count_text(bandung_count) if suppression.small(bandung_count) else
    f"{m[('kabkota', 'sellers', 'greater_bandung_share')]:.1%} (people: "
    f"{m[('kabkota', 'sellers', 'greater_bandung_population_share')]:.1%})",
    trends.year_span(listings["posted_at"]),
    "listings: " + ("SYNTHETIC sample" if synthetic
                    else ", ".join(listings["source_file"].unique().sort())),
))  # fmt: skip
if crackdown_events:
    ratio = (
        f"x{crackdown_events['effect']:.1f} "
        f"({crackdown_events['effect_low']:.1f}-{crackdown_events['effect_high']:.1f})"
    )
    rows.append((f"Enforcement events per month after the {CRACKDOWN:%B %Y} crackdown", ratio,
                 event_span, "count model"))  # fmt: skip
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
if partner:
    display(figures.mirror_vs_reported_by_year(gap, partner))

# %% [markdown]
# ## Enforcement

# %%
model = "Count model of events"
if status.filter(pl.col("model") == model)["fitted"].item():
    display(figures.trend_chart(
        fitted.filter(pl.col("model") == model), None,
        title="Reported enforcement events per month, with the count model",
        unit="events per month",
        source=f"Source: enforcement events in the record ({event_sources}; not a census).",
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
                         else "listings exports") + f"; population: {citation(POPULATION_FILE)}.",
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
        f"**{count_text(returns.height, 'reported accounts')}**{synthetic_label}: "
        f"{count_text(counts.get('still active', 0))} kept posting under their handle, "
        f"{count_text(counts.get('came back under a new handle', 0))} came back under "
        "a new handle (a new account in the same kab/kota reposting their titles at their "
        f"prices, a median {came_back['days_to_return'].median() or 0:.0f} days after the "
        f"report), and {count_text(counts.get('gone', 0))} were not seen again."
    )
    for (event,), rows in own.group_by("event", maintain_order=True):
        alone, joined = (rows.filter(pl.col("measure") == m).row(0, named=True)
                         for m in ("the accounts alone", "with their new handles"))  # fmt: skip
        platform_name = event.removeprefix("reported_")
        lines.append(
            f"Against {count_text(alone['matched'])} unreported {platform_name} accounts that "
            "were as active before, the reported accounts' own listings changed by "
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
        returns["status"].value_counts().sort(["count", "status"], descending=[True, False])
        .with_columns(share=pl.col("count") / returns.height).pipe(suppression.suppress)
        .drop("suppressed"),
        {"status": "What happened to the reported account", "count": "Accounts",
         "share": "Share"},
        caption="Reported accounts after the report" + synthetic_label,
        note=f"Still active: posted under the same handle after a {GRACE_DAYS}-day grace "
        f"period. Came back: a new account, first seen within {COMEBACK_WEEKS} weeks in the "
        f"same kab/kota, repeating at least {MIN_MATCHES} of the old account's titles at the "
        f"same price. Counts under {SUPPRESS_BELOW} are shown as <{SUPPRESS_BELOW}. "
        "Accounts are pseudonymous "
        "here; the list that names them is made only by `thriftwatch takedown` from the "
        "private seller map.",
        formats={"share": lambda v: "" if v is None else f"{v:.0%}",
                 "count": suppression.count_cell},
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

# %%
used = trade.compared(gap)
trade_kinds = provenance.kinds(used, "mirror_", "reported_")
trade_line = (
    "every trade figure is a news quote of "
    + provenance.join_names(provenance.producers(used, "mirror_", "reported_"), "or")
    + " statistics, compiled by hand with its source page. Check against BPS and UN Comtrade "
    "before citing."
    if trade_kinds == {"news_quote"}
    else "trade figures come from "
    + provenance.attribution(used, "mirror_", "reported_", most=4)
    + "; an official extract is preferred to a news quote of the same cell."
)
if provenance.quoted_by_interested_party(used):
    trade_line += (" Some mirror weights were quoted by the Indonesian Textile Association "
                   "(API), an interested party.")  # fmt: skip
caveats = [
    f"**Trade**: {trade_line}",
    f"**Enforcement**: {events.height} events compiled from news and agency reports, "
    f"{event_span}; not a census (customs alone reports hundreds of actions a year). Figures "
    "conflict between outlets; the event table records which was used and why.",
    "**Listings**: "
    + ("a SYNTHETIC sample generated by thriftwatch, not real listings. " if synthetic else "")
    + "seller identities are keyed pseudonyms; no handle, link or identifier is published, "
    f"and counts of fewer than {SUPPRESS_BELOW} sellers or accounts are suppressed.",
    "**Takedowns**: listings counted are what a scrape sees; a fall after a takedown can also "
    "mean sellers moved to channels no scrape covers (WhatsApp, closed groups). The list of "
    "reported accounts is pseudonymised on load like the listings.",
    "**Models**: effects come with 95 % intervals; an interval that includes no change means "
    "the data cannot tell the effect from noise.",
]
display(Markdown("\n".join(f"- {c}" for c in caveats)))

# %%
display(Markdown(
    f"Run **{manifest.get('run_id', run_id)}**, started {manifest.get('started', 'n/a')}; "
    f"{len(manifest.get('inputs', []))} input files, each with its sha256 in the run manifest. "
    "The data manifest's sha256 is printed at the foot of this page."
))  # fmt: skip
