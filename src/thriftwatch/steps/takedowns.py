"""Step: takedown lists and clean listings -> reported accounts (pseudonymised), the event
studies of the platform push and of the reported accounts, and who came back."""

from __future__ import annotations

import polars as pl

from thriftwatch import catalog
from thriftwatch.config import Paths
from thriftwatch.event_study import (
    LISTING_COLUMNS,
    OUTCOMES,
    Event,
    account_study,
    comebacks,
    did,
    dynamics,
    event_panel,
)
from thriftwatch.loaders.takedowns import load_takedowns
from thriftwatch.policy import POLICY_DATES
from thriftwatch.snapshots import current_files
from thriftwatch.steps.base import StepResult, combine

#: The platform-wide event every run studies: the October 2023 push on social media.
PLATFORM_PUSH = Event(
    "platform_push",
    "October 2023 push on social-media platforms (Instagram, Facebook, TikTok) against "
    "marketplaces",
    POLICY_DATES["platforms"],
    platforms=("instagram", "facebook", "tiktok"),
)


def events(reported: pl.DataFrame) -> list[Event]:
    """The platform push, and one event per platform of reported accounts (dated by its
    earliest report)."""
    found = [PLATFORM_PUSH]
    for (platform,), group in reported.group_by("platform", maintain_order=True):
        found.append(
            Event(
                f"reported_{platform}",
                f"{group.height} accounts reported to {platform}",
                group["reported_at"].min(),  # type: ignore[arg-type]
                accounts=tuple(group["seller_id"].to_list()),
            )
        )
    return found


def run(where: Paths) -> StepResult:
    """Load the takedown lists (there may be none) and study every event."""
    # Load inputs
    files = current_files(where.source_dir("takedowns"))
    loaded = [load_takedowns(f, where) for f in files]
    listings = catalog.load("listings_clean", where, columns=LISTING_COLUMNS)

    # Process
    if loaded:
        reported, rejected, accounting = combine("takedowns", loaded)
    else:
        reported = pl.DataFrame(schema={"platform": pl.String, "seller_id": pl.String,
                                        "reported_at": pl.Date})  # fmt: skip
        rejected = accounting = None
    studied = events(reported)
    effects, paths_ = [], []
    for event in studied:
        panel = event_panel(listings, event)
        for outcome in OUTCOMES:
            effects.append(did(panel, event, outcome).__dict__ | {"label": event.label,
                                                                 "date": event.date})  # fmt: skip
            paths_.append(dynamics(panel, event, outcome))
    returns = comebacks(listings, reported)
    accounts = [
        account_study(listings, group, returns).with_columns(event=pl.lit(f"reported_{name}"))
        for (name,), group in reported.group_by("platform", maintain_order=True)
    ]
    tables = {
        "takedown_effects": pl.DataFrame(effects),
        "takedown_dynamics": pl.concat(paths_, how="vertical"),
        "takedown_comebacks": returns,
        "takedown_accounts": pl.concat(accounts, how="vertical")
        if accounts
        else account_study(listings, reported, returns).with_columns(event=pl.lit(None, pl.String)),
        "takedowns_clean": reported,
    }
    if rejected is not None and accounting is not None:
        tables |= {"takedowns_rejected": rejected, "takedowns_files": accounting}

    # Save outputs
    outputs = {catalog.save(frame, name, where): frame.height for name, frame in tables.items()}
    details: dict[str, object] = {"events": [e.name for e in studied]}
    if accounting is not None:
        details["files"] = accounting.select(
            "file", "n_raw", "clean", "rejected", "duplicates"
        ).to_dicts()
    return StepResult(
        "takedowns",
        inputs=[*files, catalog.path("listings_clean", where)],
        outputs=outputs,
        details=details,
    )
