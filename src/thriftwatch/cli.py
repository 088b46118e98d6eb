"""The `thriftwatch` command: `run` the whole pipeline, or rebuild the `report`s."""

from __future__ import annotations

import datetime as dt
import json
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from thriftwatch import pipeline
from thriftwatch.config import SOURCES, ReferenceDataMissingError, paths
from thriftwatch.errors import DataError
from thriftwatch.ingest import NOT_STATED
from thriftwatch.loaders.listings import PLATFORMS
from thriftwatch.report import BRIEFS, BriefError
from thriftwatch.steps import StepResult
from thriftwatch.steps.listings import DEFAULT_ROWS
from thriftwatch.trade import CIF_FOB_FACTOR

app = typer.Typer(
    help="thriftwatch: measure and publish the illegal trade in imported used clothing.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)

BriefOption = Annotated[
    list[str] | None,
    typer.Option(
        "--brief",
        help=f"Build only this brief (repeatable). Known: {', '.join(BRIEFS)}.",
    ),
]


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _listener(progress: Progress) -> pipeline.Listener:
    tasks: dict[str, int] = {}

    def listen(label: str, event: str, _: StepResult | None) -> None:
        if event == "start":
            tasks[label] = progress.add_task(label, total=1)
        else:
            progress.update(tasks[label], completed=1)

    return listen


def _summary(result: pipeline.RunResult) -> Table:
    table = Table(title=f"run {result.run_id}", title_justify="left")
    table.add_column("step")
    table.add_column("seconds", justify="right")
    table.add_column("outputs")
    for step in result.results:
        outs = ", ".join(
            f"{p.parent.name}/{p.name} ({rows:,} rows)" if rows is not None else p.name
            for p, rows in step.outputs.items()
        )
        seconds = f"{result.seconds[step.name]:.1f}"
        if step.details.get("reused"):
            seconds += " (unchanged, reused)"
        table.add_row(step.name, seconds, outs)
    return table


def _files_table(result: pipeline.RunResult) -> Table | None:
    steps = [s for s in result.results if "files" in s.details]
    if not steps:
        return None
    table = Table(
        title="rows per raw file (raw = clean + quarantined + duplicates)", title_justify="left"
    )
    for column in ("source", "file", "raw", "clean", "quarantined", "duplicates"):
        table.add_column(column, justify="left" if column in ("source", "file") else "right")
    for step in steps:
        for row in step.details["files"]:  # type: ignore[union-attr]
            table.add_row(
                step.name,
                str(row["file"]),
                *(str(row[k]) for k in ("n_raw", "clean", "rejected", "duplicates")),
            )
    return table


def _fail(exc: Exception) -> typer.Exit:
    # one line per line of the message (not wrapped to the terminal), no traceback
    console.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
    return typer.Exit(code=1)


@app.command()
def run(
    brief: BriefOption = None,
    cif_fob_factor: Annotated[
        float,
        typer.Option(
            min=1.0,
            max=2.0,
            help="Factor raising partner FOB export values to CIF in the mirror gap.",
        ),
    ] = CIF_FOB_FACTOR,
    synthetic_rows: Annotated[
        int,
        typer.Option(
            min=1000,
            max=300_000,
            help="Size of the synthetic listings sample generated when data/raw/listings "
            "holds no export.",
        ),
    ] = DEFAULT_ROWS,
    force: Annotated[
        bool,
        typer.Option("--force", help="Rerun every step, even those with unchanged inputs."),
    ] = False,
) -> None:
    """Run the whole pipeline: raw snapshots -> processed tables -> notebooks -> HTML briefs."""
    where = paths()
    start = time.perf_counter()
    try:
        with _progress() as progress:
            result = pipeline.run(
                where,
                brief,
                cif_fob_factor=cif_fob_factor,
                default_listings=synthetic_rows,
                listener=_listener(progress),
                force=force,
            )
    except (
        DataError,
        BriefError,
        ReferenceDataMissingError,
        FileNotFoundError,
        ValueError,
        pipeline.RunLockedError,
    ) as exc:
        raise _fail(exc) from exc
    console.print(_summary(result))
    if (files := _files_table(result)) is not None:
        console.print(files)
    console.print(
        f"manifest: {result.manifest}\nbriefs: {where.reports}\n"
        f"done in {time.perf_counter() - start:.1f} s"
    )


@app.command()
def report(
    brief: BriefOption = None,
    region: Annotated[
        str | None,
        typer.Option(help="Regional edition: a province (32) or kab/kota (3273) code."),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Edition of what is dated from this day (YYYY-MM-DD).")
    ] = None,
    plotlyjs: Annotated[
        str, typer.Option(help="'inline' (opens offline) or 'cdn' (smaller, for the web).")
    ] = "inline",
) -> None:
    """Rebuild the HTML briefs (or an edition of them) from the processed data of the last
    run."""
    import datetime as dt

    if region is not None and not (region.isdigit() and len(region) in (2, 4)):
        raise _fail(ValueError(f"--region must be a 2- or 4-digit code, not {region!r}"))
    if since is not None:
        try:
            dt.date.fromisoformat(since)
        except ValueError:
            raise _fail(ValueError(f"--since must be a date YYYY-MM-DD, not {since!r}")) from None
    if plotlyjs not in ("inline", "cdn"):
        raise _fail(ValueError("--plotlyjs must be 'inline' or 'cdn'"))
    where = paths()
    result = pipeline.RunResult(run_id="report-only")
    manifest_sha = None
    data_manifest = where.processed / "manifest.data.json"
    if data_manifest.is_file():  # the data of the last run, as the briefs will show it
        import hashlib
        import json

        raw = data_manifest.read_bytes()
        result.run_id = json.loads(raw).get("run_id", result.run_id)
        manifest_sha = hashlib.sha256(raw).hexdigest()
    try:
        with _progress() as progress:
            pipeline.build_briefs(
                where, brief, run_id=result.run_id, result=result,
                listener=_listener(progress), manifest_sha256=manifest_sha,
                region=region, since=since, plotlyjs=plotlyjs,
            )  # fmt: skip
    except (BriefError, FileNotFoundError, ValueError) as exc:
        raise _fail(exc) from exc
    console.print(_summary(result))


fetch_app = typer.Typer(help="Download public data into dated raw snapshots.", no_args_is_help=True)
app.add_typer(fetch_app, name="fetch")


@fetch_app.command("comtrade")
def fetch_comtrade_command(
    year: Annotated[list[int], typer.Option("--year", help="Year to fetch (repeatable).")],
    reporter: Annotated[
        list[str] | None,
        typer.Option("--reporter", help="Exporter ISO3 code (repeatable); default: all known."),
    ] = None,
    monthly: Annotated[bool, typer.Option(help="Monthly records instead of annual.")] = False,
) -> None:
    """Pull HS 6309 flows to and from Indonesia from UN Comtrade (needs COMTRADE_API_KEY)."""
    import os

    from thriftwatch.fetch import MIRROR_REPORTERS, FetchError, fetch_comtrade
    from thriftwatch.snapshots import SnapshotExistsError

    try:
        path = fetch_comtrade(
            paths().source_dir("customs"),
            year,
            api_key=os.environ.get("COMTRADE_API_KEY"),
            reporters=reporter or tuple(MIRROR_REPORTERS),
            monthly=monthly,
        )
    except (FetchError, SnapshotExistsError) as exc:
        raise _fail(exc) from None
    console.print(f"wrote {path} and its .meta.yml")


@fetch_app.command("reference")
def fetch_reference_command(
    source: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Base URL of a mirror of the reference files, or a folder holding them "
            "(default: $THRIFTWATCH_REFDATA_MIRROR).",
        ),
    ] = None,
) -> None:
    """Fetch the reference files (boundaries, codes, population), each checked against its
    recorded SHA-256, into THRIFTWATCH_REFDATA when set, else into a new dated snapshot
    data/raw/reference/<today>/ (the shipped snapshot is never overwritten)."""
    import datetime as dt
    import os

    from thriftwatch.reference import FetchReferenceError, fetch_reference

    source = source or os.environ.get("THRIFTWATCH_REFDATA_MIRROR")
    if not source:
        raise _fail(ValueError("name a mirror with --from or THRIFTWATCH_REFDATA_MIRROR"))
    where = paths()
    if os.environ.get("THRIFTWATCH_REFDATA"):
        target = where.refdata
    else:
        target = where.raw / "reference" / dt.date.today().isoformat()
        if target.is_dir() and any(target.iterdir()):
            raise _fail(FileExistsError(f"{target} exists; snapshots are never overwritten"))
    try:
        written = fetch_reference(source, target)
    except FetchReferenceError as exc:
        raise _fail(exc) from None
    console.print(f"wrote {len(written)} reference files to {target}, checksums verified")


#: The raw sources a file can be ingested into (`config.SOURCES`).
Source = StrEnum("Source", {s: s for s in SOURCES})


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="The delivered .csv, .xlsx, .jsonl or .parquet.")],
    source: Annotated[Source, typer.Option(help="The raw source it belongs to.")],
    origin: Annotated[
        str | None, typer.Option(help="Where it came from (URL, request); default: its path.")
    ] = None,
    producer: Annotated[
        str, typer.Option(help="Who produced the data (agency, company, person).")
    ] = NOT_STATED,
    licence: Annotated[
        str, typer.Option(help="The terms the data may be used under, as its producer states.")
    ] = NOT_STATED,
) -> None:
    """Check a delivered file with its loader and add it to today's raw snapshot of a source,
    with a .meta.yml (sha256, size, rows, date, origin, producer, licence). Existing snapshots
    are never replaced."""
    from thriftwatch.ingest import ingest as add
    from thriftwatch.snapshots import SnapshotExistsError

    try:
        done = add(file, source.value, paths(), origin=origin, producer=producer, licence=licence)
    except (DataError, ReferenceDataMissingError, FileNotFoundError, SnapshotExistsError) as exc:
        raise _fail(exc) from exc
    loaded = done.loaded
    console.print(
        f"ingested {done.target}\nrows: {loaded.n_raw:,} = {loaded.clean.height:,} clean + "
        f"{loaded.rejected.height:,} rejected + {loaded.n_duplicates:,} duplicates\n"
        "the next `thriftwatch run` reads it"
    )


#: Platforms a takedown list can be made for: those the listings know, but for WhatsApp
#: (private chats, no public listing to take down) and the `other` bucket.
Platform = StrEnum("Platform", {p: p for p in PLATFORMS if p not in ("whatsapp", "other")})


@app.command()
def takedown(
    platform: Annotated[Platform, typer.Option(help="The platform the list is for.")],
    out: Annotated[Path, typer.Option(help="The list: .csv or .xlsx, kept somewhere private.")],
    region: Annotated[
        str | None,
        typer.Option(help="Only sellers in this kab/kota (4 digits, 3273) or province (32)."),
    ] = None,
    min_listings: Annotated[
        int, typer.Option(min=1, help="Second-hand import listings an account must have.")
    ] = 1,
    since: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Only listings from here.")
    ] = None,
) -> None:
    """Write the list of accounts to send to a platform, with evidence, from the last run's
    listings and the private seller map (refused without the map)."""
    from thriftwatch import catalog
    from thriftwatch import takedown as td
    from thriftwatch.editions import Edition
    from thriftwatch.privacy import SellerMapMissingError, read_seller_map
    from thriftwatch.reference import region_codes

    where = paths()
    try:
        Edition.of(region)  # a 2- or 4-digit code, as for a brief's regional edition
    except ValueError as exc:
        raise _fail(exc) from None
    try:
        sellers, urls = read_seller_map(where)
        listings = catalog.load("listings_clean", where)
    except (SellerMapMissingError, FileNotFoundError) as exc:
        raise _fail(exc) from None
    try:
        regions = region_codes(where)
    except ReferenceDataMissingError:
        regions = None
    selection = td.Selection(platform.value, region, min_listings, since.date() if since else None)
    table = td.takedown_list(listings, sellers, urls, selection, regions)
    manifest = where.manifest
    run_id = json.loads(manifest.read_text()).get("run_id") if manifest.is_file() else None
    header = td.header_block(table, listings, selection, run_id)
    try:
        td.write(table, header, out, where)
    except (td.UnsafeOutputError, ValueError) as exc:
        raise _fail(exc) from None
    for key, value in header[:1]:
        if key == "WARNING":
            console.print(f"[bold red]{value}[/]")
    console.print(f"wrote {table.height:,} accounts to {out} (names sellers: keep it private)")


synth_app = typer.Typer(help="Generate seeded synthetic data.", no_args_is_help=True)
app.add_typer(synth_app, name="synth")


@synth_app.command("listings")
def synth_listings_command(
    rows: Annotated[int, typer.Option(min=1, help="Number of listings.")] = 100_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 20230315,
    out: Annotated[
        Path, typer.Option(help="Output file: .parquet, .csv or .jsonl (a truth file beside it).")
    ] = Path("synthetic_listings.parquet"),
) -> None:
    """Write a seeded synthetic listings sample, labelled synthetic, and its truth file."""
    from thriftwatch.synth import generate_listings

    try:
        result = generate_listings(rows, seed, out, paths())
    except ReferenceDataMissingError as exc:
        raise _fail(exc) from None
    console.print(
        f"wrote {result.rows:,} SYNTHETIC listings from {result.sellers:,} sellers to "
        f"{result.path}\ntruth: {result.truth}"
    )


def main() -> None:
    """Entry point of the `thriftwatch` script."""
    app()
