"""Did a takedown work? Event studies of listings and active sellers, and comebacks.

A takedown is an `Event`: a date and what it hit, either whole platforms (and provinces), or a
list of accounts (then the platform x province cells those accounts sell in are the treated
ones). `event_panel` counts listings and active sellers per platform x province x month around
the date; `did` estimates the change in the treated cells against the untreated ones with a
Poisson fixed-effects model (unit and month effects, the standard for counts with zeros;
errors clustered by cell), overall and month by month. `comebacks` checks whether reported
accounts kept posting, vanished, or came back under a new handle: a seller first seen in the
weeks after the report, in the same kab/kota, reposting the old account's titles at its old
prices.

Counts of listings are what scrapes see, not sales: a drop can also mean sellers moved to
channels the scrape does not cover (WhatsApp, closed groups).
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass

import numpy as np
import polars as pl

from thriftwatch.loaders.listings import normalize_title

#: Months either side of the event in the panel.
WINDOW = 12
#: The columns of `listings_clean` the event studies and comeback matching read.
LISTING_COLUMNS = ("platform", "seller_id", "posted_at", "scraped_at", "province_code",
                   "kabkota_code", "title", "price_idr")  # fmt: skip
#: Below this many treated cells, clustered intervals are too narrow: the note says so and
#: the estimate is compared with `PLACEBOS` untreated cells treated in turn.
FEW_TREATED = 10
PLACEBOS = 19
#: Outcomes per cell and month.
OUTCOMES = {"listings": "listings", "sellers": "active sellers"}
#: After a report, days a platform may take to act before an account counts as still active.
GRACE_DAYS = 14
#: Weeks after the report in which a comeback account must first appear: a seller who posts
#: a few times a month needs months to show (on the synthetic sample, 8 weeks found 11 of the
#: 20 simulated comebacks, 26 weeks 19, with no wrong match).
COMEBACK_WEEKS = 26
#: Listings of a new account that must repeat an old account's title and price.
MIN_MATCHES = 2


@dataclass(frozen=True)
class Event:
    """A takedown: its date and what it hit."""

    name: str
    label: str
    date: dt.date
    platforms: tuple[str, ...] | None = None
    provinces: tuple[str, ...] | None = None
    accounts: tuple[str, ...] | None = None  # seller_ids


def _month(date: dt.date) -> dt.date:
    return date.replace(day=1)


def _shift(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def _monthly(listings: pl.DataFrame) -> pl.DataFrame:
    """Listings with the `month` they are dated in, platform as text."""
    return listings.with_columns(
        pl.col("platform").cast(pl.String),
        month=pl.coalesce("posted_at", "scraped_at").dt.truncate("1mo").dt.date(),
    )


def _window(date: dt.date, window: int) -> tuple[dt.date, pl.Series]:
    """The month of `date`, and every month within `window` months of it."""
    centre = _month(date)
    months = pl.date_range(_shift(centre, -window), _shift(centre, window), "1mo", eager=True)
    return centre, months.alias("month")


def event_panel(listings: pl.DataFrame, event: Event, window: int = WINDOW) -> pl.DataFrame:
    """Listings and active sellers per platform x province x month within `window` months of
    the event, zeros filled in, with `treated`, `rel` (months from the event month) and
    `post`. The event month itself is left out (partly before, partly after), and so are cells
    with no listing in the whole window (they carry no information)."""
    centre, months = _window(event.date, window)
    frame = _monthly(listings.filter(pl.col("province_code").is_not_null()))
    counts = (
        frame.filter(pl.col("month").is_in(months.implode()))
        .group_by("platform", "province_code", "month")
        .agg(listings=pl.len(), sellers=pl.col("seller_id").n_unique())
    )
    units = counts.select("platform", "province_code").unique()
    panel = (
        units.join(months.to_frame(), how="cross")
        .join(counts, on=["platform", "province_code", "month"], how="left")
        .with_columns(pl.col("listings", "sellers").fill_null(0))
    )
    if event.accounts is not None:
        cells = (
            frame.filter(pl.col("seller_id").is_in(list(event.accounts)))
            .select("platform", "province_code")
            .unique()
            .with_columns(treated=pl.lit(True))
        )
        panel = panel.join(cells, on=["platform", "province_code"], how="left").with_columns(
            pl.col("treated").fill_null(False)
        )
    else:
        treated = pl.lit(True)
        if event.platforms is not None:
            treated = treated & pl.col("platform").is_in(list(event.platforms))
        if event.provinces is not None:
            treated = treated & pl.col("province_code").is_in(list(event.provinces))
        panel = panel.with_columns(treated=treated)
    rel = (pl.col("month").dt.year() - centre.year) * 12 + pl.col("month").dt.month() - centre.month
    return (
        panel.with_columns(
            rel=rel.cast(pl.Int32), unit=pl.format("{}|{}", "platform", "province_code")
        )
        .with_columns(post=pl.col("rel") > 0)
        .filter(pl.col("rel") != 0)
        .filter(pl.col("listings").sum().over("unit") > 0)
        .sort("unit", "month")
    )


@dataclass(frozen=True)
class Effect:
    """The estimated change of one outcome in the treated cells after the event."""

    event: str
    outcome: str
    effect: float | None  # relative change, -0.3 = 30 % fewer
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    treated_units: int
    control_units: int
    months: int
    note: str
    # with few treated cells: the same estimate with each of some untreated cells as the
    # treated one (placebos); the share at least as large as the real one is the p-value
    placebo_p: float | None = None
    placebo_low: float | None = None
    placebo_high: float | None = None
    placebos: int = 0


def _fit(panel: pl.DataFrame, outcome: str, terms: list[str]):
    """Poisson regression of `outcome` on `terms` with unit and month fixed effects,
    errors clustered by unit."""
    import statsmodels.api as sm

    unit_codes = panel["unit"].rank("dense").to_numpy() - 1
    fixed = panel.select("unit", pl.col("month").cast(pl.String)).to_dummies(drop_first=True)
    design = pl.concat(
        [panel.select(terms).cast(pl.Float64), fixed.cast(pl.Float64)], how="horizontal"
    )
    x = np.column_stack([np.ones(panel.height), design.to_numpy()])
    y = panel[outcome].to_numpy().astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; results are checked below
        result = sm.GLM(y, x, family=sm.families.Poisson()).fit(
            cov_type="cluster", cov_kwds={"groups": unit_codes}
        )
    names = ["const", *design.columns]
    return {
        n: (result.params[i], result.bse[i], result.pvalues[i])
        for i, n in enumerate(names)
        if n in terms
    }


def did(panel: pl.DataFrame, event: Event, outcome: str) -> Effect:
    """The change of `outcome` in the treated cells after the event, against the untreated
    cells over the same months (difference in differences, Poisson fixed effects)."""
    n_treated = panel.filter("treated")["unit"].n_unique()
    n_control = panel.filter(~pl.col("treated"))["unit"].n_unique()
    n_months = panel["month"].n_unique()
    base = dict(
        event=event.name,
        outcome=outcome,
        treated_units=n_treated,
        control_units=n_control,
        months=n_months,
    )
    if n_treated == 0 or n_control == 0:
        missing = "treated" if n_treated == 0 else "comparison"
        return Effect(
            **base, effect=None, ci_low=None, ci_high=None, p_value=None, note=f"no {missing} cells"
        )
    if not panel.filter("post").height or not panel.filter(~pl.col("post")).height:
        return Effect(
            **base,
            effect=None,
            ci_low=None,
            ci_high=None,
            p_value=None,
            note="the data do not cover both sides of the date",
        )
    data = panel.with_columns(treated_post=pl.col("treated") & pl.col("post"))
    b, se, p = _fit(data, outcome, ["treated_post"])["treated_post"]
    note = f"Poisson, cell and month effects, errors clustered by {n_treated + n_control} cells"
    placebo: dict[str, float | int | None] = {}
    if n_treated < FEW_TREATED:
        real, effects = _placebos(panel, outcome)
        if effects.size:
            placebo = {
                "placebo_p": float((np.sum(np.abs(effects) >= abs(real)) + 1) / (effects.size + 1)),
                "placebo_low": float(np.expm1(np.quantile(effects, 0.025))),
                "placebo_high": float(np.expm1(np.quantile(effects, 0.975))),
                "placebos": int(effects.size),
            }
        note += (
            f"; only {n_treated} treated cell(s): clustered errors understate the uncertainty, "
            f"compare with the {effects.size} placebo cells"
        )
    return Effect(
        **base,
        effect=float(np.expm1(b)),
        ci_low=float(np.expm1(b - 1.96 * se)),
        ci_high=float(np.expm1(b + 1.96 * se)),
        p_value=float(p),
        note=note,
        **placebo,  # type: ignore[arg-type]
    )


def _placebos(panel: pl.DataFrame, outcome: str, n: int = PLACEBOS) -> tuple[float, np.ndarray]:
    """The treated cells' change, and the same change for each of up to `n` untreated cells
    taken in turn as if treated (the placebos: cells of the treated platforms closest in size
    before the event), both as log ratios: (after / before in the cells) / (after / before in
    the other untreated cells). This ratio is what the Poisson model estimates with one
    treated cell and month effects, in closed form, so hundreds of placebos cost nothing."""
    sums = panel.group_by("unit", "platform", "treated").agg(
        pre=pl.col(outcome).filter(~pl.col("post")).sum(),
        post=pl.col(outcome).filter(pl.col("post")).sum(),
    )
    control = sums.filter(~pl.col("treated") & (pl.col("pre") > 0) & (pl.col("post") > 0))
    treated = sums.filter("treated")
    pre_c, post_c = control["pre"].sum(), control["post"].sum()
    real = np.log(treated["post"].sum() / treated["pre"].sum() / (post_c / pre_c))
    size = np.log(max(treated["pre"].sum() / max(treated.height, 1), 1))
    platforms = treated["platform"].unique().to_list()
    candidates = control.with_columns(
        same=pl.col("platform").is_in(platforms),
        distance=(pl.col("pre").log() - size).abs(),
    ).sort(["same", "distance", "unit"], descending=[True, False, False])
    chosen = candidates.head(n)
    others_pre = pre_c - chosen["pre"].to_numpy()
    others_post = post_c - chosen["post"].to_numpy()
    effects = np.log(
        chosen["post"].to_numpy() / chosen["pre"].to_numpy() / (others_post / others_pre)
    )
    return float(real), effects


def dynamics(panel: pl.DataFrame, event: Event, outcome: str) -> pl.DataFrame:
    """Month-by-month difference of the treated cells (relative to the month before the
    event): flat before the event if the comparison is fair, the effect's path after it."""
    rels = sorted(r for r in panel["rel"].unique().to_list() if r != -1)
    if not panel["treated"].any() or panel["treated"].all():
        return pl.DataFrame(
            schema={
                "event": pl.String,
                "outcome": pl.String,
                "rel": pl.Int32,
                "effect": pl.Float64,
                "ci_low": pl.Float64,
                "ci_high": pl.Float64,
            }
        )
    terms = [f"rel_{r}" for r in rels]
    data = panel.with_columns(
        (pl.col("treated") & (pl.col("rel") == r)).alias(f"rel_{r}") for r in rels
    )
    fitted = _fit(data, outcome, terms)
    rows = [
        {
            "event": event.name,
            "outcome": outcome,
            "rel": r,
            "effect": float(np.expm1(b)),
            "ci_low": float(np.expm1(b - 1.96 * se)),
            "ci_high": float(np.expm1(b + 1.96 * se)),
        }
        for r, (b, se, _) in ((int(t[4:]), fitted[t]) for t in terms)
    ]
    rows.append(
        {
            "event": event.name,
            "outcome": outcome,
            "rel": -1,
            "effect": 0.0,
            "ci_low": 0.0,
            "ci_high": 0.0,
        }
    )
    return pl.DataFrame(rows).with_columns(pl.col("rel").cast(pl.Int32)).sort("rel")


def comebacks(
    listings: pl.DataFrame,
    reported: pl.DataFrame,
    weeks: int = COMEBACK_WEEKS,
    min_matches: int = MIN_MATCHES,
) -> pl.DataFrame:
    """Per reported account (`reported`: `seller_id`, `reported_at`): `status` = still active
    (posting under its handle after the grace days), came back (a new account, first seen
    within `weeks` of the report in the same kab/kota, repeats at least `min_matches` of its
    titles at the same price), or gone; with the new account's `seller_id` and the days."""
    when = pl.coalesce("posted_at", "scraped_at")
    titles = listings.select("title").unique().with_columns(_t=normalize_title(pl.col("title")))
    frame = (
        listings.filter(pl.col("seller_id").is_not_null())
        .join(titles, on="title", how="left")
        .with_columns(_when=when)
        .select("seller_id", "platform", "kabkota_code", "price_idr", "_t", "_when")
    )
    sellers = frame.group_by("seller_id").agg(
        first_seen=pl.col("_when").min(),
        home=pl.col("kabkota_code").drop_nulls().mode().sort().first(),
    )
    report = (
        reported.select("seller_id", pl.col("reported_at").cast(pl.Datetime("us")))
        .unique("seller_id")
        .join(sellers.select("seller_id", "home"), on="seller_id", how="left")
    )
    grace = pl.duration(days=GRACE_DAYS)
    after = (
        frame.join(report, on="seller_id")
        .filter(pl.col("_when") > pl.col("reported_at") + grace)
        .group_by("seller_id")
        .agg(listings_after=pl.len())
    )
    old = (
        frame.join(report, on="seller_id")
        .filter(pl.col("_when") < pl.col("reported_at"))
        .select("seller_id", "home", "reported_at", "_t", "price_idr")
        .unique()
    )
    newcomers = sellers.join(report.select("seller_id"), on="seller_id", how="anti")
    matched = (
        frame.join(newcomers.select("seller_id", "first_seen"), on="seller_id")
        .rename({"seller_id": "new_seller_id"})
        .join(old, on=["_t", "price_idr"], how="inner")
        .filter(
            (pl.col("first_seen") >= pl.col("reported_at"))
            & (pl.col("first_seen") <= pl.col("reported_at") + pl.duration(weeks=weeks))
            & (pl.col("kabkota_code") == pl.col("home"))
        )
        .group_by("seller_id", "new_seller_id")
        .agg(
            matches=pl.len(),
            first_seen=pl.col("first_seen").first(),
            reported_at=pl.col("reported_at").first(),
        )
        .filter(pl.col("matches") >= min_matches)
        .sort("matches", "new_seller_id", descending=[True, False])
        .unique("seller_id", keep="first")
    )
    out = (
        report.join(after, on="seller_id", how="left")
        .join(matched.drop("reported_at"), on="seller_id", how="left")
        .with_columns(
            pl.col("listings_after").fill_null(0),
            days_to_return=(pl.col("first_seen") - pl.col("reported_at")).dt.total_days(),
        )
        .with_columns(
            status=pl.when(pl.col("listings_after") > 0)
            .then(pl.lit("still active"))
            .when(pl.col("new_seller_id").is_not_null())
            .then(pl.lit("came back under a new handle"))
            .otherwise(pl.lit("gone"))
        )
    )
    return out.select(
        "seller_id",
        "reported_at",
        "home",
        "status",
        "listings_after",
        "new_seller_id",
        "matches",
        "days_to_return",
    ).sort("seller_id")


#: Unreported accounts matched to each reported one (same platform, nearest activity before).
MATCHES_PER_ACCOUNT = 3


def account_study(
    listings: pl.DataFrame, reported: pl.DataFrame, returns: pl.DataFrame, window: int = WINDOW
) -> pl.DataFrame:
    """The reported accounts' own listings per month against unreported accounts of the
    same platform that were about as active before the report (the `MATCHES_PER_ACCOUNT`
    nearest in listings over the window before it), Poisson with account and month effects,
    errors clustered by account: once for the accounts alone, once counting the listings of
    the new handles they came back under (`comebacks`) as theirs. The difference between the
    two is what comebacks take back of a takedown."""
    schema = {"measure": pl.String, "effect": pl.Float64, "ci_low": pl.Float64,
              "ci_high": pl.Float64, "p_value": pl.Float64, "accounts": pl.Int64,
              "matched": pl.Int64, "date": pl.Date}  # fmt: skip
    if reported.is_empty():
        return pl.DataFrame(schema=schema)
    date = reported["reported_at"].min()
    centre, months = _window(date, window)  # type: ignore[arg-type]
    months = months.filter(months != centre)  # the month of the report is left out
    monthly = _monthly(listings.filter(pl.col("seller_id").is_not_null())).filter(
        pl.col("month").is_in(months.implode())
    )
    ids = reported["seller_id"].to_list()
    platforms = monthly.filter(pl.col("seller_id").is_in(ids))["platform"].unique().to_list()
    before = (
        monthly.filter(pl.col("month") < centre, pl.col("platform").is_in(platforms))
        .group_by("seller_id")
        .agg(pre=pl.len())
    )
    pool = before.filter(~pl.col("seller_id").is_in(ids) & ~pl.col("seller_id").is_in(
        returns["new_seller_id"].drop_nulls().to_list()))  # fmt: skip
    matched: set[str] = set()
    for _, pre in before.filter(pl.col("seller_id").is_in(ids)).sort("seller_id").rows():
        nearest = (
            pool.filter(~pl.col("seller_id").is_in(list(matched)))
            .with_columns(d=(pl.col("pre") - pre).abs())
            .sort("d", "seller_id")
            .head(MATCHES_PER_ACCOUNT)
        )
        matched.update(nearest["seller_id"].to_list())
    if not matched:
        return pl.DataFrame(schema=schema)
    alias = returns.filter(pl.col("new_seller_id").is_not_null()).select(
        pl.col("new_seller_id").alias("seller_id"), pl.col("seller_id").alias("_as")
    )
    rows = []
    for measure, frame in (
        ("the accounts alone", monthly),
        ("with their new handles", monthly.join(alias, on="seller_id", how="left").with_columns(
            seller_id=pl.coalesce("_as", "seller_id"))),
    ):  # fmt: skip
        counts = (
            frame.filter(pl.col("seller_id").is_in(ids + sorted(matched)))
            .group_by("seller_id", "month")
            .agg(listings=pl.len())
        )
        panel = (
            pl.DataFrame({"unit": ids + sorted(matched)})
            .join(months.to_frame(), how="cross")
            .join(counts.rename({"seller_id": "unit"}), on=["unit", "month"], how="left")
            .with_columns(
                pl.col("listings").fill_null(0),
                treated_post=pl.col("unit").is_in(ids) & (pl.col("month") > centre),
            )
            .filter(pl.col("listings").sum().over("unit") > 0)
        )
        b, se, p = _fit(panel, "listings", ["treated_post"])["treated_post"]
        rows.append({"measure": measure, "effect": float(np.expm1(b)),
                     "ci_low": float(np.expm1(b - 1.96 * se)),
                     "ci_high": float(np.expm1(b + 1.96 * se)), "p_value": float(p),
                     "accounts": len(ids), "matched": len(matched), "date": date})  # fmt: skip
    return pl.DataFrame(rows, schema=schema)
