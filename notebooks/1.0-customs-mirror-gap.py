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
#   title: Worn clothing imports - what partners report and what Indonesia records
# ---

# %% tags=["parameters"]
# Parameters: papermill sets them for a brief; the defaults suit interactive use.
# processed_dir: folder of processed data (None: the one the THRIFTWATCH_* variables name);
# partner: ISO3 code of the partner in the headline and the first figure.
processed_dir = None
partner = "MYS"
run_id = "interactive"
# region, since: regional or dated edition (trade statistics are national: shown unchanged);
# plotlyjs: "inline" (the brief opens offline) or "cdn" (for publishing online).
region = None
since = None
plotlyjs = "inline"

# %%
import polars as pl
from IPython.display import Markdown, display

from thriftwatch import catalog, figures, provenance, trade
from thriftwatch.editions import Edition
from thriftwatch.figures import tonnes, usd
from thriftwatch.trade import CIF_FOB_FACTOR

figures.use_notebook_renderer(plotlyjs)
edition = Edition.of(region, since)
gap = catalog.load("mirror_gap", processed_dir)
annual = catalog.load("trade_figures", processed_dir)
files = catalog.load("customs_files", processed_dir)

cell = trade.headline(gap, partner)
partner, year = cell.get("partner_iso3"), cell.get("year")
world = trade.gap_cell(gap, "WLD", year) if year else {}

# %% [markdown]
# # Worn clothing imports: what partners report and what Indonesia records

# %%
if not edition.national:
    display(figures.warning(edition.label() + " Trade figures are national statistics."))
if cell:
    display(Markdown(
        f"**{cell['partner_name']} reports {tonnes(cell['mirror_kg'])} of worn clothing "
        f"(HS 6309) exported to Indonesia in {year}; BPS records {tonnes(cell['reported_kg'])} "
        f"imported from {cell['partner_name']}** — a recorded share of "
        f"{cell['reported_kg'] / cell['mirror_kg']:.4%} (sources: "
        f"{provenance.attribution(cell, 'mirror_', 'reported_')}). For all partners together "
        f"BPS recorded {tonnes(world.get('reported_kg'))} ({usd(world.get('reported_usd'))} "
        f"CIF) that year.\n\n"
        "Importing used clothing is banned (Permendag 51/2015; Permendag 18/2021 as amended by "
        "40/2022), so almost none of what partners ship appears in Indonesia's import records: "
        "the difference is the order of magnitude of the smuggled trade, not a statistical "
        "discrepancy."
    ))  # fmt: skip
else:
    display(figures.warning(
        "No partner has both an export figure and a BPS import figure for the same year in "
        "these data, so no mirror gap can be measured. The sections below show what there is."
    ))  # fmt: skip

# %% [markdown]
# ## The gap, year by year
#
# Mirror statistics compare what exporting countries report shipping to Indonesia with what
# Indonesia reports receiving from them. Small differences are normal (timing, valuation,
# classification); a factor of thousands is not.

# %%
if partner:
    display(figures.mirror_vs_reported_by_year(gap, partner))

# %% [markdown]
# ## Every partner with a figure

# %%
if year is not None:
    display(figures.mirror_vs_reported_by_partner(gap, year))

# %%
if year is not None:
    shown = gap.filter(
        (gap["year"] == year) & (gap["partner_kind"] == "country") & (gap["coverage_kg"] == "both")
    ).sort("mirror_kg", descending=True)
    display(
        figures.table(
            shown,
            {
                "partner_name": "Partner",
                "mirror_kg": "Partner reports",
                "reported_kg": "BPS records",
                "gap_kg": "Gap",
                "ratio_kg": "Ratio",
            },
            caption=f"Worn clothing (HS 6309) to Indonesia, {year}: partners with both figures",
            note=figures.source_note(shown, "mirror_", "reported_")
            + " Ratio: partner-reported weight divided by BPS-recorded weight.",
            formats={
                "mirror_kg": tonnes,
                "reported_kg": tonnes,
                "gap_kg": tonnes,
                "ratio_kg": figures.times,
            },
            numeric=("mirror_kg", "reported_kg", "gap_kg", "ratio_kg"),
        )
    )

# %%
if year is not None:
    hubs = shown.filter(shown["transit_hub"])
    origins = shown.filter(~shown["transit_hub"])
    display(
        Markdown(
            f"Across the {shown.height} partners with both figures for {year}, "
            f"**{tonnes(shown['unrecorded_kg'].sum())}** shipped to Indonesia do not appear in its "
            f"import records: {tonnes(hubs['unrecorded_kg'].sum())} from transit hubs "
            f"({', '.join(hubs['partner_name'].to_list()) or 'none'}) and "
            f"{tonnes(origins['unrecorded_kg'].sum())} from origin suppliers "
            f"({', '.join(origins['partner_name'].to_list()) or 'none'}). Partners that report "
            "exports but appear in no BPS figure, and the reverse, are left out of this sum."
        )
    )

# %% [markdown]
# ## What BPS records
#
# Recorded imports are legal entries only (personal effects, household moves, diplomatic
# cargo). Where several sources give a figure for one year, the whiskers show their spread.

# %%
figures.recorded_imports_by_year(annual)

# %% [markdown]
# ### Unit values
#
# Dividing value by weight is a quick plausibility check: used clothing trades in bales at a
# few US dollars per kilogram. A recorded entry far above that is more likely personal effects
# or a mis-keyed weight than a commercial bale.

# %%
if year is not None:
    valued = gap.filter((gap["year"] == year) & gap["reported_usd_per_kg"].is_not_null()).sort(
        "reported_usd_per_kg", descending=True
    )
    display(
        figures.table(
            valued,
            {
                "partner_name": "Partner",
                "reported_kg": "BPS weight",
                "reported_usd": "BPS value (CIF)",
                "reported_usd_per_kg": "USD per kg",
                "reported_unit_value_flag": "Check",
            },
            caption=f"Unit values of worn clothing imports recorded by BPS, {year}",
            note=figures.source_note(valued, "reported_")
            + " Check: 'high' or 'low' where the unit value leaves USD 0.05-50 per kg or lies far "
            "from the other partners' values.",
            formats={
                "reported_kg": tonnes,
                "reported_usd": usd,
                "reported_usd_per_kg": lambda v: f"{v:,.2f}",
                "reported_unit_value_flag": lambda v: v or "",
            },
            numeric=("reported_kg", "reported_usd", "reported_usd_per_kg"),
        )
    )

# %% [markdown]
# ## About these figures

# %%
used = trade.compared(gap)
valueless = used.filter(used["mirror_kg"].is_not_null())["mirror_usd"].is_null().all()
about = []
if provenance.all_news_quotes(used, "mirror_", "reported_"):
    about.append(
        "Every figure here is a **news quote** of official statistics ("
        + provenance.join_names(provenance.producers(used, "mirror_", "reported_"))
        + "), compiled by hand with its source page; none was read from an official table. "
        'Check them against BPS "Impor menurut HS 8 digit" and direct UN Comtrade extracts '
        "before citing."
    )
else:
    kinds = (
        used.select(pl.concat_list("mirror_source_kind", "reported_source_kind").alias("k"))
        .explode("k")
        .drop_nulls()["k"]
        .cast(pl.String)
    )
    about.append(
        f"Of the {kinds.len()} figures compared, {(kinds != 'news_quote').sum()} come from "
        f"official extracts and {(kinds == 'news_quote').sum()} from news quotes of official "
        "statistics; each table and chart names its sources."
    )
if provenance.quoted_by_interested_party(used):
    about.append(
        "Some mirror weights were quoted by the Indonesian Textile Association (API), an "
        "interested party."
    )
if valueless:
    about.append("The mirror figures come without values, so the gap is measured in tonnes.")
about += [
    "BPS import values are CIF; partner export values are FOB. Where both are known, partner "
    f"values are raised by a CIF/FOB factor (default {CIF_FOB_FACTOR:.2f}, the IMF "
    "convention; `thriftwatch run --cif-fob-factor`) before comparison. Weights need no "
    "adjustment.",
    "Where one source quotes a cell several times, an official extract (BPS portal, UN "
    "Comtrade) is preferred to a news quote, then the most precise figure; the others are "
    "kept as the range shown by the whiskers.",
    "A partner or year without a figure on one side is shown as missing, never as a zero gap.",
]
display(Markdown("\n".join(f"- {line}" for line in about)))

# %%
accounting = files.select("file", "n_raw", "clean", "rejected", "duplicates").sort("file")
figures.table(
    accounting,
    {
        "file": "Raw file",
        "n_raw": "Rows",
        "clean": "Clean",
        "rejected": "Quarantined",
        "duplicates": "Duplicates",
    },
    caption="Trade facts read for this brief",
    note=f"Run {run_id}. Quarantined rows keep their raw text and reason in "
    "data/processed/rejected/customs.parquet.",
    numeric=("n_raw", "clean", "rejected", "duplicates"),
)
