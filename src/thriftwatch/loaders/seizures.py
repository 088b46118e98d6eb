"""Enforcement events against illegally imported used clothing: seizures, destructions, raids
and interdictions at sea, as one clean event table.

`load_seizures(path)` reads two layouts, told apart by the header:

- `compiled`: the news compilation shipped as embedded default data (one row per source
  report; reports of one event share an `event_id`);
- `log`: agency-log style tables with Indonesian headers (`No`, `Tanggal`, `Instansi`,
  `Kegiatan`, `Lokasi`, `Jumlah`, `Satuan`, `Perkiraan Nilai (Rp)`), CSV or XLSX.

**Events, not reports.** Reports of one event (same `event_id`; in logs, the same date, place
and quantity) collapse to one event that keeps every source. Where reports disagree, the
event takes, for each figure, the precise figure before approximate or vague ones, then the
one most reports give, then an official (.go.id) source, then the least rounded, then the
first reported; the choice and the alternatives are recorded. Merged reports are counted in
`n_duplicates`, so `n_raw == events + rejected + duplicates`.

**No double counting.** A destruction of goods that an earlier event seized is linked to it
(`linked_event_id`) and has `counts_in_totals = False`; volumes are summed from the seizure
side. Links come from an explicit link table where one exists (`link_events`) and otherwise
from the same quantity and unit destroyed later in the same province.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import dataframely as dy
import polars as pl

from thriftwatch.config import Paths
from thriftwatch.errors import DataError
from thriftwatch.loaders.base import FILE, REASON, ROW, Loaded, RawRows, validate
from thriftwatch.loaders.customs import to_iso3
from thriftwatch.parse import (
    DATE_PRECISIONS,
    UNITS,
    canonical_unit,
    parse_amount_text,
    parse_date,
    read_table,
)
from thriftwatch.regions import MATCHES, resolve_regions

ACTIONS = ("seizure", "destruction", "raid", "interdiction")
AGENCIES = ("DJBC", "Polri", "Kemendag", "TNI AL", "Bakamla", "other")

#: Agency names and abbreviations, checked in this order on each named body.
_AGENCY_PATTERNS = (
    ("DJBC", r"djbc|bea\s*(dan\s*)?cukai|\bbc\b|kppbc|kanwil\s*bc|customs|ditjen\s*bc"),
    ("Bakamla", r"bakamla|keamanan\s*laut"),
    ("TNI AL", r"tni\s*al\b|angkatan\s*laut|lanal|lantamal|koarmada|\bkri\b|navy"),
    ("Polri", r"polri|polisi|polda|polres|polsek|bareskrim|polair|polairud|brimob|police"),
    ("Kemendag", r"kemendag|perdagangan|pktn|mendag|trade ministry"),
)
#: Indonesian and English action words, checked in this order.
_ACTION_PATTERNS = (
    ("destruction", r"pemusnahan|musnah|dibakar|pembakaran|destruction|destroy"),
    ("raid", r"penggerebekan|gerebek|grebek|razia|sidak|operasi pasar|raid|penggeledahan"),
    ("interdiction", r"interdiction|intersepsi|penangkapan kapal|di perairan|di laut|patroli laut"),
    ("seizure", r"seizure|penyitaan|sita|penindakan|penegahan|diamankan|amankan|penahanan"),
)
#: Units of the compiled table -> canonical units.
_COMPILED_UNITS = {
    "bal": "bale", "koli": "package", "karung": "sack", "container": "container",
    "pak": "package", "karton": "package", "kg": "kg",
}  # fmt: skip

LOG_COLUMNS = {
    "tanggal": "date",
    "tgl": "date",
    "instansi": "agency",
    "kegiatan": "action",
    "jenis kegiatan": "action",
    "lokasi": "place",
    "tempat": "place",
    "jumlah": "quantity",
    "satuan": "unit",
    "perkiraan nilai (rp)": "value",
    "perkiraan nilai": "value",
    "nilai (rp)": "value",
    "nilai barang (rp)": "value",
    "asal": "origin",
    "negara asal": "origin",
    "sumber": "source",
    "keterangan": "note",
}
COMPILED_REQUIRED = ("event_id", "event_date", "action", "source_url")
LOG_REQUIRED = ("Tanggal", "Kegiatan", "Lokasi", "Jumlah")


class SeizureSchema(dy.Schema):
    """One enforcement event."""

    event_id = dy.String(primary_key=True)
    event_date = dy.Date()
    date_precision = dy.Enum(DATE_PRECISIONS)
    agencies = dy.List(dy.String(), min_length=1)
    action = dy.Enum(ACTIONS)
    province_code = dy.String(nullable=True, regex=r"^\d{2}$")
    kabkota_code = dy.String(nullable=True, regex=r"^\d{4}$")
    region_match = dy.Enum(MATCHES)
    place = dy.String(nullable=True)
    quantity_raw = dy.String(nullable=True)
    quantity_value = dy.Float64(nullable=True, min=0)
    quantity_unit = dy.Enum(UNITS, nullable=True)
    quantity_vague = dy.Bool()
    quantity_approx = dy.Bool()
    weight_kg = dy.Float64(nullable=True, min=0)
    value_idr = dy.Float64(nullable=True, min=0)
    value_vague = dy.Bool()
    origin_country = dy.String(nullable=True)
    origin_iso3 = dy.List(dy.String())
    sources = dy.List(dy.String(), min_length=1)
    n_sources = dy.UInt32(min=1)
    alternatives = dy.List(dy.String())
    choice = dy.String(nullable=True)
    linked_event_id = dy.String(nullable=True)
    counts_in_totals = dy.Bool()
    source_file = dy.String()
    source_row = dy.UInt32()

    @dy.rule()
    def not_in_future(cls) -> pl.Expr:
        """An event has happened."""
        return pl.col("event_date") <= pl.lit(dt.date.today())


RULE_MESSAGES = {
    "not_in_future": "event date lies in the future",
    "quantity_value|min": "negative quantity",
    "value_idr|min": "negative rupiah value",
    "weight_kg|min": "negative weight",
}

# ---------------------------------------------------------------------------------------------
# Canonical agencies, actions and origins


def canonical_agencies(text: str | None) -> list[str]:
    """Named bodies -> canonical agencies in order of mention; unknown bodies are `other`."""
    if not text:
        return []
    found: list[str] = []
    for body in re.split(r"[;,/&+]|\bdan\b|\band\b", text, flags=re.IGNORECASE):
        body = body.strip().lower()
        if not body:
            continue
        name = next((n for n, p in _AGENCY_PATTERNS if re.search(p, body)), "other")
        if name not in found:
            found.append(name)
    return found


def canonical_action(text: str | None) -> str | None:
    """An action word or phrase -> seizure / destruction / raid / interdiction (None if none)."""
    if not text:
        return None
    t = text.strip().lower()
    if t in ACTIONS:
        return t
    return next((a for a, p in _ACTION_PATTERNS if re.search(p, t)), None)


def _origins(text: str | None) -> list[str]:
    if not text:
        return []
    names = [re.sub(r"\(.*?\)", "", part).strip() for part in text.split(";")]
    return [c for c in to_iso3(pl.Series([n for n in names if n])).drop_nulls().to_list()]


# ---------------------------------------------------------------------------------------------
# Formats


def _key(name: str) -> str:
    return " ".join(name.lower().replace("\ufeff", "").split())


def detect_format(columns: list[str]) -> str | None:
    """`compiled`, `log`, `aggregates` or `links` from a header; None when it is none."""
    names = set(columns)
    if set(COMPILED_REQUIRED) <= names:
        return "compiled"
    if {"period", "metric", "value"} <= names:
        return "aggregates"
    if {"seized_event_id", "destroyed_event_id"} <= names:
        return "links"
    roles = {LOG_COLUMNS.get(_key(c)) for c in columns}
    if {"date", "action", "place", "quantity"} <= roles:
        return "log"
    return None


def _is_known_header(cells: list[str]) -> bool:
    return detect_format(cells) is not None


def _first(text: str | None) -> str | None:
    """The first of several places joined with '; '."""
    return text.split(";")[0].strip() if text else None


def _plain_number(text: str | None) -> float | None:
    """A number written plainly (the compiled table's value columns); NaN when it is not."""
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return math.nan


def _report_rows(raw: pl.DataFrame, fmt: str, path: Path) -> list[dict]:
    """One dict per report with parsed fields and a `reason` where it cannot be used."""
    today = dt.date.today()
    reports = []
    for row in raw.iter_rows(named=True):
        if fmt == "compiled":
            date = parse_date(row["event_date"])
            precision = row.get("date_precision") or date.precision
            if date.value is not None and precision not in DATE_PRECISIONS:
                precision = None
            place_parts = [_first(row.get(c)) for c in ("port_or_place", "city_or_regency")]
            place = ", ".join(p for p in place_parts if p) or None
            region_text = ", ".join(p for p in [*place_parts, _first(row.get("province"))] if p)
            quantity_raw = row.get("quantity_raw")
            amount = parse_amount_text(quantity_raw)
            given = _plain_number(row.get("quantity_value"))
            quantity = given if given is not None else amount.value
            unit = _COMPILED_UNITS.get((row.get("quantity_unit") or "").lower())
            factor = 1.0
            if unit is None and quantity is not None:
                unit, factor = canonical_unit(amount.rest or quantity_raw)
            value_text = row.get("value_idr_raw")
            value_amount = parse_amount_text(value_text)
            value = _plain_number(row.get("value_idr"))
            unreadable = [
                name
                for name, number in (("quantity_value", given), ("value_idr", value))
                if number is not None and math.isnan(number)
            ]
            value_vague = value is None and (value_amount.vague or value_amount.range)
            report = {
                "event_key": row["event_id"],
                "agencies": canonical_agencies(row.get("agency")),
                "action_text": row.get("action"),
                "origin_country": row.get("origin_country"),
                "source": row.get("source_url") or f"{path.name}, row {row[ROW]}",
                "published": row.get("published_date") or "",
            }
        else:
            date = parse_date(row.get("date"))
            precision = date.precision
            place = row.get("place")
            region_text = place or ""
            quantity_raw = " ".join(str(row[c]) for c in ("quantity", "unit") if row.get(c))
            amount = parse_amount_text(row.get("quantity"))
            quantity = amount.value
            unit, factor = canonical_unit(row.get("unit") or amount.rest)
            value_text = row.get("value")
            value_amount = parse_amount_text(value_text)
            value = value_amount.value
            unreadable = []
            value_vague = value is None and (value_amount.vague or value_amount.range)
            report = {
                "event_key": None,
                "agencies": canonical_agencies(row.get("agency")),
                "action_text": row.get("action"),
                "origin_country": row.get("origin"),
                "source": row.get("source") or f"{path.name}, row {row[ROW]}",
                "published": "",
            }
        if unit is None:
            quantity = None  # a count of trucks or 'lots' is no canonical quantity
        elif quantity is not None:
            quantity *= factor
        action = canonical_action(report.pop("action_text"))
        negative = any(str(t or "").strip().startswith("-") for t in (quantity_raw, value_text))
        reason = (
            f"{unreadable[0]} is not a plain number"
            if unreadable
            else date.error
            if date.value is None
            else "event date lies in the future"
            if date.value > today
            else "unknown action" + (f" '{row.get('action')}'" if row.get("action") else "")
            if action is None
            else "negative quantity or value"
            if negative
            else "no agency named"
            if not report["agencies"]
            else None
        )
        reports.append(
            {
                ROW: row[ROW],
                FILE: path.name,
                REASON: reason,
                **report,
                "event_date": date.value,
                "date_precision": precision,
                "action": action,
                "place": place,
                "region_text": region_text,
                "quantity_raw": quantity_raw,
                "quantity_value": quantity,
                "quantity_unit": unit,
                "quantity_vague": quantity is None and amount.vague,
                "quantity_approx": amount.approx,
                "value_idr": value,
                "value_vague": bool(value_vague),
                "official": ".go.id" in report["source"],
            }
        )
    return reports


# ---------------------------------------------------------------------------------------------
# Reports -> events


def _rounding(value: float | None) -> int:
    if value is None:
        return 99
    digits = str(round(value))
    return len(digits) - len(digits.rstrip("0"))


def _pick(reports: list[dict], figure: str, *, precise: str | None = None) -> dict | None:
    """The report whose `figure` the event uses (see the module docstring), or None."""
    given = [r for r in reports if r[figure] is not None]
    if not given:
        return None

    def agreement(r: dict) -> int:
        same = [
            x
            for x in given
            if (x[figure], x.get("quantity_unit")) == (r[figure], r.get("quantity_unit"))
        ]
        return (
            len(same)
            if figure == "quantity_value"
            else len([x for x in given if x[figure] == r[figure]])
        )

    return min(
        given,
        key=lambda r: (
            bool(r.get(precise)) if precise else False,
            -agreement(r),
            not r["official"],
            _rounding(r[figure]) if isinstance(r[figure], float) else 0,
            r["published"] or "9999",
            r[ROW],
        ),
    )


def _describe(r: dict) -> str:
    parts = []
    if r["quantity_value"] is not None:
        parts.append(f"{r['quantity_value']:,.0f} {r['quantity_unit']}")
    if r["value_idr"] is not None:
        parts.append(f"Rp {r['value_idr']:,.0f}")
    if r["event_date"] is not None:
        parts.append(str(r["event_date"]))
    return ", ".join(parts) + f" ({r['source']})"


def collapse(reports: list[dict], path: Path) -> tuple[list[dict], int]:
    """Usable reports -> events, and how many reports were merged into another."""
    groups: dict[object, list[dict]] = {}
    for r in reports:
        key = r["event_key"] or (
            r["event_date"],
            " ".join((r["place"] or "").lower().split()),
            r["quantity_value"],
            r["quantity_unit"],
        )
        groups.setdefault(key, []).append(r)
    events = []
    for key, group in groups.items():
        first = min(group, key=lambda r: r[ROW])
        dated = _pick(
            [{**r, "precision_rank": DATE_PRECISIONS.index(r["date_precision"] or "year")}
             for r in group],
            "event_date",
            precise=None,
        )  # fmt: skip
        by_precision = min(group, key=lambda r: DATE_PRECISIONS.index(r["date_precision"]))
        date_report = (
            dated if dated["date_precision"] == by_precision["date_precision"] else by_precision
        )
        quantity = _pick(group, "quantity_value", precise="quantity_approx")
        value = _pick(group, "value_idr")
        chosen = [x for x in (quantity, value) if x is not None]
        alternatives = (
            sorted({_describe(r) for r in group if r not in chosen}) if len(group) > 1 else []
        )
        choice = None
        if len(group) > 1:
            notes = []
            if quantity is not None:
                agree = sum(
                    (r["quantity_value"], r["quantity_unit"])
                    == (quantity["quantity_value"], quantity["quantity_unit"])
                    for r in group
                )
                notes.append(
                    f"quantity {quantity['quantity_value']:,.0f} {quantity['quantity_unit']} "
                    f"({agree} of {len(group)} reports)"
                )
            if value is not None:
                agree = sum(r["value_idr"] == value["value_idr"] for r in group)
                notes.append(
                    f"value Rp {value['value_idr']:,.0f} ({agree} of {len(group)} reports)"
                )
            notes.append(f"date {date_report['event_date']} ({date_report['date_precision']})")
            choice = "; ".join(notes)
        agencies: list[str] = []
        for r in group:
            agencies += [a for a in r["agencies"] if a not in agencies]
        origin_text = next((r["origin_country"] for r in group if r["origin_country"]), None)
        event_id = key if isinstance(key, str) else f"{path.stem}:{first[ROW]}"
        q = quantity or first
        events.append(
            {
                "event_id": event_id,
                "event_date": date_report["event_date"],
                "date_precision": date_report["date_precision"],
                "agencies": agencies,
                "action": first["action"],
                "place": first["place"],
                "region_text": first["region_text"],
                "quantity_raw": q["quantity_raw"],
                "quantity_value": q["quantity_value"],
                "quantity_unit": q["quantity_unit"] if quantity else first["quantity_unit"],
                "quantity_vague": quantity is None and any(r["quantity_vague"] for r in group),
                "quantity_approx": bool(quantity and quantity["quantity_approx"]),
                "weight_kg": q["quantity_value"] if q["quantity_unit"] == "kg" else None,
                "value_idr": value["value_idr"] if value else None,
                "value_vague": value is None and any(r["value_vague"] for r in group),
                "origin_country": origin_text,
                "origin_iso3": _origins(origin_text),
                "sources": list(dict.fromkeys(r["source"] for r in group)),
                "n_sources": len(group),
                "alternatives": alternatives,
                "choice": choice,
                FILE: first[FILE],
                ROW: first[ROW],
            }
        )
    merged = sum(len(g) - 1 for g in groups.values())
    return events, merged


def link_events(events: pl.DataFrame, links: pl.DataFrame | None = None) -> pl.DataFrame:
    """Link each destruction to the event that seized its goods and keep it out of totals.

    `links` (columns `seized_event_id`, `destroyed_event_id`) states links outright; any other
    destruction is linked to the latest earlier seizure, raid or interdiction in the same
    province with the same quantity and unit, within five years. A destruction that gathers
    several seizures keeps the first listed as its link.
    """
    explicit: dict[str, str] = {}
    if links is not None and links.height:
        for seized, destroyed in links.select("seized_event_id", "destroyed_event_id").iter_rows():
            explicit.setdefault(destroyed, seized)
    rows = events.to_dicts()
    others = [r for r in rows if r["action"] != "destruction"]
    for r in rows:
        r["linked_event_id"] = None
        if r["action"] != "destruction":
            continue
        if r["event_id"] in explicit:
            r["linked_event_id"] = explicit[r["event_id"]]
            continue
        if r["quantity_value"] is None or r["province_code"] is None:
            continue
        candidates = [
            o for o in others
            if o["quantity_value"] == r["quantity_value"]
            and o["quantity_unit"] == r["quantity_unit"]
            and o["province_code"] == r["province_code"]
            and o["event_date"] < r["event_date"]
            and (r["event_date"] - o["event_date"]).days <= 5 * 366
        ]  # fmt: skip
        if candidates:
            r["linked_event_id"] = max(candidates, key=lambda o: o["event_date"])["event_id"]
    linked = pl.DataFrame(rows, schema=events.schema | {"linked_event_id": pl.String})
    return linked.with_columns(counts_in_totals=pl.col("linked_event_id").is_null())


def _to_frame(events: list[dict], where: Paths | None) -> pl.DataFrame:
    base = pl.DataFrame(
        events,
        schema={
            "event_id": pl.String, "event_date": pl.Date, "date_precision": pl.String,
            "agencies": pl.List(pl.String), "action": pl.String, "place": pl.String,
            "region_text": pl.String, "quantity_raw": pl.String, "quantity_value": pl.Float64,
            "quantity_unit": pl.String, "quantity_vague": pl.Boolean,
            "quantity_approx": pl.Boolean, "weight_kg": pl.Float64, "value_idr": pl.Float64,
            "value_vague": pl.Boolean, "origin_country": pl.String,
            "origin_iso3": pl.List(pl.String), "sources": pl.List(pl.String),
            "n_sources": pl.UInt32, "alternatives": pl.List(pl.String), "choice": pl.String,
            FILE: pl.String, ROW: pl.UInt32,
        },
    )  # fmt: skip
    regions = resolve_regions(base["region_text"], where).select(
        "kabkota_code", "province_code", pl.col("match").alias("region_match")
    )
    return pl.concat([base, regions], how="horizontal").drop("region_text")


def load_seizures(path: str | Path, where: Paths | None = None) -> Loaded:
    """Load one enforcement table (compiled news table or agency log) as clean events.

    `where` names the reference data for place resolution (default: the environment's).
    Rows that cannot be used (no or impossible date, a future date, an unknown action, a
    negative amount) are quarantined with their raw text and reason.
    """
    path = Path(path)
    raw = read_table(path, _is_known_header)
    fmt = detect_format(raw.columns)
    if fmt in ("aggregates", "links"):
        raise DataError(
            path,
            f"this is an enforcement {fmt} table, not an event table: read it with "
            f"{'load_enforcement_aggregates' if fmt == 'aggregates' else 'load_event_links'}",
        )
    if fmt is None:
        raise DataError(
            path,
            f"unrecognised enforcement table header ({', '.join(raw.columns[:12])}); expected "
            f"the compiled news table ({', '.join(COMPILED_REQUIRED)}) or an agency log "
            f"({', '.join(LOG_REQUIRED)}, with Instansi, Satuan, Perkiraan Nilai (Rp))",
        )
    rows = RawRows.of(raw, path)
    if fmt == "log":
        roles = {c: LOG_COLUMNS[_key(c)] for c in rows.columns if _key(c) in LOG_COLUMNS}
        reports = _report_rows(rows.kept.rename(roles), fmt, path)
    else:
        reports = _report_rows(rows.kept, fmt, path)
    events, merged = collapse([r for r in reports if r[REASON] is None], path)
    clean, failed = validate(SeizureSchema, link_events(_to_frame(events, where)), RULE_MESSAGES)
    unusable = pl.DataFrame(
        [{ROW: r[ROW], REASON: r[REASON]} for r in reports if r[REASON] is not None],
        schema={ROW: pl.UInt32, REASON: pl.String},
    )
    return rows.loaded(
        clean.sort("event_date", "event_id"),
        unusable,
        failed,
        merged=merged,
        info={"format": fmt, "events": clean.height, "merged_reports": merged},
    )


# ---------------------------------------------------------------------------------------------
# Link tables and officials' aggregates


class LinkSchema(dy.Schema):
    """One seizure -> destruction link between two events."""

    seized_event_id = dy.String(primary_key=True)
    destroyed_event_id = dy.String()
    note = dy.String(nullable=True)
    source_file = dy.String()
    source_row = dy.UInt32()

    @dy.rule()
    def not_self(cls) -> pl.Expr:
        """An event is not linked to itself."""
        return pl.col("seized_event_id") != pl.col("destroyed_event_id")


def load_event_links(path: str | Path) -> Loaded:
    """A table of explicit seizure -> destruction links (`seized_event_id`,
    `destroyed_event_id`, `note`), for `link_events`."""
    path = Path(path)
    raw = read_table(path, _is_known_header)
    if detect_format(raw.columns) != "links":
        raise DataError(path, "expected the columns seized_event_id, destroyed_event_id")
    rows = RawRows.of(raw, path)
    frame = rows.kept.select(
        "seized_event_id",
        "destroyed_event_id",
        pl.col("note") if "note" in rows.columns else pl.lit(None, dtype=pl.String).alias("note"),
        FILE,
        ROW,
    )
    clean, reasons = validate(LinkSchema, frame, {"not_self": "an event linked to itself"})
    return rows.loaded(clean, reasons, info={"format": "links"})


def parse_period(label: str | None) -> tuple[dt.date | None, dt.date | None]:
    """Start and end of an aggregate's period: `2020`, `2020-2022`, `2023-01`, `2023-Q1`,
    `2023-01/2023-02`, `2020-01-01/2023-03-24`, `2019-2023-03`, `to 2023-03`; words in
    parentheses are ignored. (None, None) when the text gives no period."""
    if not label:
        return None, None
    text = re.sub(r"\(.*?\)", "", label).strip().lower()

    def bounds(part: str) -> tuple[dt.date, dt.date] | None:
        part = part.strip()
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", part):
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return day, day
        if m := re.fullmatch(r"(\d{4})-(\d{2})", part):
            start = dt.date(int(m[1]), int(m[2]), 1)
            nxt = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
            return start, nxt - dt.timedelta(days=1)
        if m := re.fullmatch(r"(\d{4})-q([1-4])", part):
            first = 3 * int(m[2]) - 2
            start = dt.date(int(m[1]), first, 1)
            last = bounds(f"{m[1]}-{first + 2:02d}")
            return start, last[1] if last else start
        if re.fullmatch(r"\d{4}", part):
            return dt.date(int(part), 1, 1), dt.date(int(part), 12, 31)
        return None

    try:
        if text.startswith("to "):
            whole = bounds(text[3:].split()[0])
            return (None, whole[1]) if whole else (None, None)
        if "/" in text:
            a, b = (bounds(p) for p in text.split("/", 1))
            return (a[0] if a else None, b[1] if b else None)
        if m := re.fullmatch(r"(\d{4})-(\d{4}(?:-\d{2})?)", text.split()[0] if text else ""):
            a, b = bounds(m[1]), bounds(m[2])
            return (a[0] if a else None, b[1] if b else None)
        whole = bounds(text.split()[0]) if text else None
    except ValueError:
        return None, None
    return whole if whole else (None, None)


class AggregateSchema(dy.Schema):
    """A period total quoted by an official body or a platform."""

    period_label = dy.String()
    period_start = dy.Date(nullable=True)
    period_end = dy.Date(nullable=True)
    metric = dy.String()
    value = dy.Float64(nullable=True, min=0)
    value_vague = dy.Bool()
    unit = dy.String(nullable=True)
    scope = dy.String(nullable=True)
    source = dy.String()
    source_title = dy.String(nullable=True)
    note = dy.String(nullable=True)
    source_file = dy.String()
    source_row = dy.UInt32()


def load_enforcement_aggregates(path: str | Path) -> Loaded:
    """Officials' and platforms' period totals (DJBC actions per year, takedowns, ...):
    the given number, or null with `value_vague` where the source only says 'puluhan ribu'."""
    path = Path(path)
    raw = read_table(path, _is_known_header)
    if detect_format(raw.columns) != "aggregates":
        raise DataError(path, "expected the columns period, metric, value (an aggregates table)")
    rows = RawRows.of(raw, path)
    periods = [parse_period(p) for p in rows.kept["period"].to_list()]
    value = pl.col("value").cast(pl.Float64, strict=False)
    frame = rows.kept.with_columns(
        period_start=pl.Series([p[0] for p in periods], dtype=pl.Date),
        period_end=pl.Series([p[1] for p in periods], dtype=pl.Date),
    ).select(
        pl.col("period").alias("period_label"),
        "period_start",
        "period_end",
        "metric",
        value.alias("value"),
        (value.is_null() & pl.col("value_raw").is_not_null()).alias("value_vague"),
        "unit",
        "scope",
        pl.col("source_url").alias("source"),
        "source_title",
        pl.col("notes").alias("note"),
        FILE,
        ROW,
        pl.when(pl.col("value").is_not_null() & value.is_null())
        .then(pl.format("value is not a number: '{}'", pl.col("value")))
        .alias(REASON),
    )
    clean, reasons = validate(AggregateSchema, frame, {"value|min": "negative value"})
    return rows.loaded(clean, reasons, info={"format": "aggregates"})
