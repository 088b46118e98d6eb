"""Pull HS 6309 flows to and from Indonesia from UN Comtrade into a dated raw snapshot.

Two queries through the official `comtradeapicall` client: partners' exports to Indonesia (the
mirror side) and Indonesia's imports by partner, totals only (all customs procedures, all
transport modes, no second partner). The subscription key comes from `COMTRADE_API_KEY` and
is never written anywhere: the client prints failing request URLs, key included, so its
output is captured and redacted before any of it is shown.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl

from thriftwatch.snapshots import write_snapshot

#: UN Comtrade (M49) codes of the exporters whose mirror figures matter: the transit hubs and
#: the origin suppliers named in the compiled sources.
MIRROR_REPORTERS = {
    "MYS": "458", "SGP": "702", "KOR": "410", "CHN": "156", "JPN": "392", "THA": "764",
    "TWN": "490", "HKG": "344", "USA": "842", "GBR": "826", "AUS": "36",
}  # fmt: skip
INDONESIA = "360"
HS_CODE = "6309"
LICENCE = "UN Comtrade terms of use; credit UN Statistics Division (UNSD)"

Getter = Callable[..., object]


class FetchError(RuntimeError):
    """A fetch that could not run or failed; the message never contains the key."""


def redact(text: str, key: str) -> str:
    """Remove the key, and any subscription-key parameter, from a message."""
    text = re.sub(r"(subscription-key=)[^&\s'\"]+", r"\1***", text)
    return text.replace(key, "***") if key else text


def _default_getter() -> Getter:
    import comtradeapicall

    return comtradeapicall.getFinalData


def _query(getter: Getter, key: str, **params: object) -> pl.DataFrame:
    captured = io.StringIO()
    try:
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            frame = getter(key, **params)
    except Exception as exc:  # the client raises whatever its HTTP stack raises
        raise FetchError(f"UN Comtrade request failed: {redact(str(exc), key)}") from None
    if frame is None:
        detail = redact(captured.getvalue(), key).strip()[:600]
        raise FetchError(
            "UN Comtrade request failed (no network, or the API refused the key or the "
            f"query): {detail or 'no answer'}"
        )
    return pl.from_pandas(frame).cast(pl.String)  # type: ignore[arg-type]


def fetch_comtrade(
    source_dir: Path,
    years: Sequence[int],
    *,
    api_key: str | None,
    reporters: Sequence[str] = tuple(MIRROR_REPORTERS),
    monthly: bool = False,
    day: dt.date | None = None,
    getter: Getter | None = None,
) -> Path:
    """Fetch the mirror exports and Indonesia's imports of HS 6309 for `years` and write them
    as one UN Comtrade v1 CSV snapshot under `source_dir` (the raw customs folder)."""
    if not api_key:
        raise FetchError(
            "COMTRADE_API_KEY is not set: a UN Comtrade API subscription key is needed "
            "(register for a free one with UN Comtrade), then run again"
        )
    unknown = sorted(set(reporters) - set(MIRROR_REPORTERS))
    if unknown:
        raise FetchError(
            f"no UN Comtrade code known for {', '.join(unknown)}; "
            f"known: {', '.join(MIRROR_REPORTERS)}"
        )
    if not years:
        raise FetchError("name at least one year")
    getter = getter or _default_getter()
    freq = "M" if monthly else "A"
    periods = (
        [f"{y}{m:02d}" for y in years for m in range(1, 13)] if monthly else [str(y) for y in years]
    )
    common = {
        "typeCode": "C", "freqCode": freq, "clCode": "HS", "period": ",".join(periods),
        "cmdCode": HS_CODE, "partner2Code": "0", "customsCode": "C00", "motCode": "0",
        "maxRecords": 250000, "includeDesc": True,
    }  # fmt: skip
    queries = {
        "mirror exports to Indonesia": {
            "reporterCode": ",".join(MIRROR_REPORTERS[r] for r in reporters),
            "partnerCode": INDONESIA,
            "flowCode": "X",
        },
        "Indonesia's imports by partner": {
            "reporterCode": INDONESIA,
            "partnerCode": None,
            "flowCode": "M",
        },
    }
    frames = [_query(getter, api_key, **common, **q) for q in queries.values()]
    table = pl.concat([f for f in frames if f.height], how="diagonal")
    if table.is_empty():
        raise FetchError(f"UN Comtrade returned no HS {HS_CODE} records for {periods[0]}..")
    day = day or dt.date.today()
    name = f"comtrade_hs{HS_CODE}_{freq}_{min(years)}-{max(years)}.csv"
    buffer = io.BytesIO()
    table.write_csv(buffer)
    meta = {
        "description": f"UN Comtrade v1 final data, HS {HS_CODE}, {', '.join(queries)}",
        "producer": "UN Comtrade (UN Statistics Division), via the comtradeapicall client",
        "source": "UN Comtrade data API, final data",
        "query": {**{k: v for k, v in common.items()}, "queries": queries},
        "licence": LICENCE,
        "rows": table.height,
    }
    return write_snapshot(source_dir, name, buffer.getvalue(), meta, day)
