"""Customs and trade flows of HS 6309 (worn clothing) in one clean schema.

`load_customs(path)` reads the three shapes analysts receive and tells them apart by header:

- `bps`: BPS export-import portal downloads (CSV or XLSX; Indonesian headers such as `Kode HS`,
  `Negara Asal`, `Pelabuhan`, `Tahun`, `Bulan`, `Berat Bersih (Kg)`, `Nilai CIF (US$)`;
  Indonesian numbers; title rows above the header are skipped);
- `comtrade`: UN Comtrade v1 extracts (`refYear`, `refMonth`, `reporterISO`, `partnerISO`,
  `flowCode`, `cmdCode`, `netWgt`, `cifvalue`, `fobvalue`, `primaryValue`, ...);
- `compiled`: the compiled fact tables shipped as embedded default data (news quotes of
  BPS, ITC Trade Map, UN Comtrade and DOSM figures, each row with its `source`).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import dataframely as dy
import polars as pl

from thriftwatch.config import PACKAGE_DATA_DIR
from thriftwatch.errors import DataError
from thriftwatch.loaders.base import FILE, REASON, ROW, Loaded, RawRows, first_problem, validate
from thriftwatch.parse import guess_decimal_mark, parse_amount, parse_month, read_table

#: Every compiled table is about HS 6309; rows that do not state a code get this one.
COMPILED_DEFAULT_HS = "6309"
FLOWS = ("import", "export")
PERIOD_TYPES = ("annual", "monthly", "partial")
SOURCE_KINDS = ("bps_portal", "un_comtrade", "news_quote")
#: UN Comtrade's refMonth for a whole-year record.
COMTRADE_ANNUAL = "52"


class CustomsSchema(dy.Schema):
    """One trade figure: who reported what flow of which HS code, when, in kg and money."""

    year = dy.Int32(min=1950, max=2100)
    month = dy.Int8(nullable=True, min=1, max=12)
    period_type = dy.Enum(PERIOD_TYPES)
    period_start = dy.Date()
    period_end = dy.Date()
    reporter_iso3 = dy.String(regex=r"^[A-Z]{3}$")
    partner_iso3 = dy.String(regex=r"^[A-Z]{3}$")
    flow = dy.Enum(FLOWS)
    hs6 = dy.String(regex=r"^\d{6}$")
    hs_code = dy.String(regex=r"^\d{4,10}$")
    port = dy.String(nullable=True)
    net_weight_kg = dy.Float64(nullable=True, min=0)
    value_usd = dy.Float64(nullable=True, min=0)
    valuation = dy.Enum(["CIF", "FOB"], nullable=True)
    value_local = dy.Float64(nullable=True, min=0)
    local_currency = dy.String(nullable=True, regex=r"^[A-Z]{3}$")
    weight_estimated = dy.Bool()
    value_estimated = dy.Bool()
    value_qualifier = dy.String(nullable=True)
    source_kind = dy.Enum(SOURCE_KINDS)
    #: who compiled the figure (BPS, UN Comtrade, ITC Trade Map, DOSM); "not stated" if unknown
    producer = dy.String()
    source = dy.String()
    #: the page a quoted figure comes from (news quotes), else null
    source_url = dy.String(nullable=True)
    source_date = dy.String(nullable=True)
    source_detail = dy.String(nullable=True)
    note = dy.String(nullable=True)
    source_file = dy.String()
    source_row = dy.UInt32()

    @dy.rule()
    def period_ordered(cls) -> pl.Expr:
        """A period ends on or after its start."""
        return pl.col("period_end") >= pl.col("period_start")

    @dy.rule()
    def not_in_future(cls) -> pl.Expr:
        """A reported period has started."""
        return pl.col("period_start") <= pl.lit(dt.date.today())


RULE_MESSAGES = {
    "period_ordered": "period ends before it starts",
    "not_in_future": "period lies in the future",
    "year|min": "impossible year",
    "year|max": "impossible year",
    "net_weight_kg|min": "negative net weight",
    "value_usd|min": "negative USD value",
    "value_local|min": "negative local-currency value",
}

# ---------------------------------------------------------------------------------------------
# Countries


@cache
def countries() -> pl.DataFrame:
    """The package's country list: `iso3`, `kind` (country, world, group) and one row per
    accepted spelling (`name`); the first spelling of each code is its English name.

    `WLD` stands for the world (UN Comtrade's `W00`) and `XAS` (an ISO user-assigned code) for
    the 'selected Asian exporters' total that the mirror sources quote."""
    return pl.read_csv(PACKAGE_DATA_DIR / "countries.csv", infer_schema=False)


def country_names() -> pl.DataFrame:
    """One row per code: `iso3`, English `name` and `kind`."""
    return countries().unique("iso3", keep="first", maintain_order=True)


def _name_key(expr: pl.Expr) -> pl.Expr:
    """Country names compared without case, repeated blanks or surrounding blanks."""
    return expr.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


@cache
def _country_keys() -> pl.DataFrame:
    table = countries()
    names = table.select(pl.col("name").alias("key"), "iso3")
    codes = table.select(pl.col("iso3").alias("key"), "iso3").unique()
    return (
        pl.concat([names, codes]).with_columns(_name_key(pl.col("key"))).unique("key", keep="first")
    )


def to_iso3(names: pl.Series) -> pl.Series:
    """ISO3 code of each country name or code; null where the name is unknown (never a guess)."""
    keys = pl.DataFrame({"key": names}).with_columns(_name_key(pl.col("key")))
    return keys.join(_country_keys(), on="key", how="left", maintain_order="left")["iso3"]


# ---------------------------------------------------------------------------------------------
# Formats


def _key(name: str) -> str:
    return " ".join(name.lower().replace("\ufeff", "").split())


def _bps_columns(columns: list[str]) -> dict[str, str]:
    """BPS portal header -> role (hs, partner, port, year, month, kg, ton, cif, fob)."""
    roles = {
        "kode hs": "hs",
        "hs": "hs",
        "kode hs 8 digit": "hs",
        "negara asal": "partner",
        "negara": "partner",
        "negara asal barang": "partner",
        "negara tujuan": "partner_export",
        "pelabuhan": "port",
        "pelabuhan bongkar": "port",
        "pelabuhan muat": "port",
        "tahun": "year",
        "bulan": "month",
        "berat bersih (kg)": "kg",
        "berat (kg)": "kg",
        "berat bersih": "kg",
        "berat bersih (ton)": "ton",
        "berat (ton)": "ton",
        "nilai cif (us$)": "cif",
        "nilai cif (usd)": "cif",
        "nilai (us$)": "cif",
        "nilai fob (us$)": "fob",
        "nilai fob (usd)": "fob",
    }
    return {c: roles[_key(c)] for c in columns if _key(c) in roles}


COMTRADE_REQUIRED = ("refYear", "reporterISO", "partnerISO", "flowCode", "cmdCode")
COMPILED_REQUIRED = "source, flow, reporter or reporter_exporter, and year, period or period_start"
BPS_REQUIRED = "Kode HS, Negara Asal (or Negara), Tahun, and Berat Bersih (Kg) or Nilai CIF (US$)"


def detect_format(columns: list[str]) -> str | None:
    """`bps`, `comtrade` or `compiled` from a header; None when it is none of them."""
    names = set(columns)
    if set(COMTRADE_REQUIRED) <= names:
        return "comtrade"
    if (
        {"source", "flow"} <= names
        and names & {"reporter", "reporter_exporter"}
        and names & {"year", "period", "period_start"}
    ):
        return "compiled"
    roles = set(_bps_columns(columns).values())
    if (
        {"hs", "year"} <= roles
        and roles & {"partner", "partner_export"}
        and roles
        & {
            "kg",
            "ton",
            "cif",
            "fob",
        }
    ):
        return "bps"
    return None


def _unknown_header(path: Path, columns: list[str]) -> DataError:
    shown = ", ".join(columns[:12]) + (", ..." if len(columns) > 12 else "")
    return DataError(
        path,
        f"unrecognised trade table header ({shown}); expected one of: a BPS portal export "
        f"({BPS_REQUIRED}); a UN Comtrade extract ({', '.join(COMTRADE_REQUIRED)}); "
        f"the compiled fact table ({COMPILED_REQUIRED})",
    )


# ---------------------------------------------------------------------------------------------
# Parsing: each format gives the clean columns as expressions, plus its problem checks.

Checks = list[tuple[pl.Expr, str | pl.Expr]]


def _null() -> pl.Expr:
    return pl.lit(None, dtype=pl.String)


def _col(columns: list[str], *candidates: str) -> pl.Expr:
    """The first of `candidates` the file has, else a null column."""
    name = next((c for c in candidates if c in columns), None)
    return pl.col(name) if name else _null()


def _not_a_number(text: pl.Expr, number: pl.Expr, label: str) -> tuple[pl.Expr, pl.Expr]:
    return (
        text.is_not_null() & number.is_null(),
        pl.format("{} is not a number: '{}'", pl.lit(label), text),
    )


def _hs(code: pl.Expr) -> dict[str, pl.Expr]:
    digits = code.str.replace_all(r"\D", "")
    return {
        "hs_code": digits,
        "hs6": pl.concat_str([digits.str.slice(0, 6), pl.lit("0000")]).str.slice(0, 6),
    }


def _year_month_period(year: pl.Expr, month: pl.Expr) -> dict[str, pl.Expr]:
    """Period columns for a year and an optional month (null month = the whole year).

    Years outside 1..9999 give null dates here; the checks and the schema say why."""
    year = pl.when(year.is_between(1, 9999)).then(year)
    start = pl.date(year, month.fill_null(1), 1)
    return {
        "year": year,
        "month": month,
        "period_type": pl.when(month.is_null()).then(pl.lit("annual")).otherwise(pl.lit("monthly")),
        "period_start": start,
        "period_end": pl.when(month.is_null())
        .then(pl.date(year, 12, 31))
        .otherwise(start.dt.month_end()),
    }


def _total_row(partner: pl.Expr) -> pl.Expr:
    return partner.str.to_lowercase().str.contains(r"^(total|jumlah|grand total|world total)$")


def _parse_bps(raw: pl.DataFrame, path: Path) -> tuple[dict[str, pl.Expr], Checks]:
    roles = {role: col for col, role in _bps_columns(raw.columns).items()}
    export = "partner_export" in roles or ("fob" in roles and "cif" not in roles)
    partner_col = roles.get("partner_export", roles.get("partner"))
    default_mark = "." if path.suffix.lower() in (".xlsx", ".xlsm") else ","

    def amount(role: str) -> tuple[pl.Expr, pl.Expr]:
        if role not in roles:
            return _null(), pl.lit(None, dtype=pl.Float64)
        mark = guess_decimal_mark(raw[roles[role]], default_mark)
        return pl.col(roles[role]), parse_amount(pl.col(roles[role]), mark)

    kg_text, kg = amount("kg")
    ton_text, ton = amount("ton")
    value_role = "fob" if export else "cif"
    value_text, value = amount(value_role)
    year_text = pl.col(roles["year"])
    year = year_text.cast(pl.Int32, strict=False)
    month_text = pl.col(roles["month"]) if "month" in roles else _null()
    month = parse_month(month_text)
    partner = pl.col(partner_col)  # type: ignore[arg-type]
    weight = pl.coalesce(kg, ton * 1000)
    columns = {
        **_year_month_period(year, month),
        "reporter_iso3": pl.lit("IDN"),
        "partner_iso3": pl.col("_partner_iso3"),
        "flow": pl.lit("export" if export else "import"),
        **_hs(pl.col(roles["hs"])),
        "port": pl.col(roles["port"]) if "port" in roles else _null(),
        "net_weight_kg": weight,
        "value_usd": value,
        "valuation": pl.when(value.is_not_null()).then(pl.lit(value_role.upper())),
        "source_kind": pl.lit("bps_portal"),
        "producer": pl.lit("BPS"),
        "source": pl.lit(f"BPS export-import portal ({path.name})"),
    }
    checks: Checks = [
        (
            ~year.is_between(1, 9999).fill_null(False),
            pl.format("year '{}' is not a year", year_text),
        ),
        (
            month_text.is_not_null() & month.is_null(),
            pl.format("month '{}' is not a month", month_text),
        ),
        (
            pl.col(roles["hs"]).str.replace_all(r"\D", "").str.len_chars() < 4,
            pl.format("HS code '{}' is not an HS code", pl.col(roles["hs"])),
        ),
        (_total_row(partner), pl.lit("a total row, not a partner: totals are computed")),
        (pl.col("_partner_iso3").is_null(), pl.format("unknown partner country '{}'", partner)),
        _not_a_number(kg_text, kg, roles.get("kg", "")),
        _not_a_number(ton_text, ton, roles.get("ton", "")),
        _not_a_number(value_text, value, roles.get(value_role, "")),
        (weight.is_null() & value.is_null(), pl.lit("no figure: neither a weight nor a value")),
    ]
    return columns, checks


def _parse_comtrade(raw: pl.DataFrame, path: Path) -> tuple[dict[str, pl.Expr], Checks]:
    cols = raw.columns
    flow_code = pl.col("flowCode").str.to_uppercase()
    flow = flow_code.replace_strict({"M": "import", "X": "export"}, default=None)
    year = pl.col("refYear").cast(pl.Int32, strict=False)
    month_text = _col(cols, "refMonth")
    month_number = month_text.cast(pl.Int8, strict=False)
    month = pl.when(month_number.is_between(1, 12)).then(month_number)

    def number(name: str) -> tuple[pl.Expr, pl.Expr]:
        text = _col(cols, name)
        return text, text.cast(pl.Float64, strict=False)

    kg_text, kg = number("netWgt")
    cif_text, cif = number("cifvalue")
    fob_text, fob = number("fobvalue")
    primary_text, primary = number("primaryValue")
    value = (
        pl.when(flow == "import")
        .then(pl.coalesce(cif, primary))
        .otherwise(pl.coalesce(fob, primary))
    )
    flag = _col(cols, "isNetWgtEstimated").str.to_lowercase().is_in(["true", "1"])

    def breakdown(name: str, total: str) -> pl.Expr:
        return _col(cols, name).fill_null(total) != total

    columns = {
        **_year_month_period(year, month),
        "reporter_iso3": pl.col("_reporter_iso3"),
        "partner_iso3": pl.col("_partner_iso3"),
        "flow": flow,
        **_hs(pl.col("cmdCode")),
        "net_weight_kg": kg,
        "value_usd": value,
        "valuation": pl.when(value.is_not_null()).then(
            pl.when(flow == "import").then(pl.lit("CIF")).otherwise(pl.lit("FOB"))
        ),
        "weight_estimated": flag.fill_null(False),
        "source_kind": pl.lit("un_comtrade"),
        "producer": pl.lit("UN Comtrade"),
        "source": pl.lit(f"UN Comtrade ({path.name})"),
        "source_detail": _col(cols, "reporterDesc"),
    }
    checks: Checks = [
        (
            ~year.is_between(1, 9999).fill_null(False),
            pl.format("refYear '{}' is not a year", pl.col("refYear")),
        ),
        (
            month_text.is_not_null() & (month_text != COMTRADE_ANNUAL) & month.is_null(),
            pl.format("refMonth '{}' is not a month or 52 (annual)", month_text),
        ),
        (
            flow_code.is_in(["RX", "RM"]),
            pl.format(
                "flow '{}' not loaded: UN Comtrade re-exports and re-imports are already "
                "inside X and M",
                pl.col("flowCode"),
            ),
        ),
        (flow.is_null(), pl.format("unknown flow '{}'", pl.col("flowCode"))),
        (
            ~pl.col("cmdCode").str.contains(r"^\d{4,10}$"),
            pl.format("cmdCode '{}' is not an HS code", pl.col("cmdCode")),
        ),
        (
            breakdown("motCode", "0")
            | breakdown("customsCode", "C00")
            | breakdown("partner2Code", "0"),
            pl.lit(
                "a breakdown row (transport mode, customs procedure or second partner): "
                "only totals are loaded"
            ),
        ),
        (
            pl.col("_reporter_iso3").is_null(),
            pl.format("unknown reporter country '{}'", pl.col("reporterISO")),
        ),
        (
            pl.col("_partner_iso3").is_null(),
            pl.format("unknown partner country '{}'", pl.col("partnerISO")),
        ),
        _not_a_number(kg_text, kg, "netWgt"),
        _not_a_number(cif_text, cif, "cifvalue"),
        _not_a_number(fob_text, fob, "fobvalue"),
        _not_a_number(primary_text, primary, "primaryValue"),
        (kg.is_null() & value.is_null(), pl.lit("no figure: neither a weight nor a value")),
    ]
    return columns, checks


def _compiled_period(cols: list[str]) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """Start, end, 'unreadable' flag and label of each row's period, from whichever period
    columns the compiled table has."""
    if "period_start" in cols:
        start = pl.col("period_start").str.to_date("%Y-%m-%d", strict=False)
        end = pl.col("period_end").str.to_date("%Y-%m-%d", strict=False)
        label = pl.concat_str([pl.col("period_start"), pl.col("period_end")], separator="..")
        return start, end, start.is_null() | end.is_null(), label
    label = pl.col("period") if "period" in cols else pl.col("year")
    is_year = label.str.contains(r"^\d{4}$")
    is_month = label.str.contains(r"^\d{4}-(0[1-9]|1[0-2])$")
    start = (
        pl.when(is_year)
        .then(pl.concat_str([label, pl.lit("-01-01")]))
        .when(is_month)
        .then(pl.concat_str([label, pl.lit("-01")]))
        .str.to_date("%Y-%m-%d", strict=False)
    )
    end = (
        pl.when(is_year)
        .then(start.dt.offset_by("1y").dt.offset_by("-1d"))
        .otherwise(start.dt.month_end())
    )
    return start, end, start.is_null(), label


def _parse_compiled(raw: pl.DataFrame, path: Path) -> tuple[dict[str, pl.Expr], Checks]:
    cols = raw.columns
    start, end, unreadable, label = _compiled_period(cols)
    weight_name = next((c for c in ("net_weight_kg", "weight_kg") if c in cols), "")
    local_name = next((c for c in ("value_idr", "value_myr") if c in cols), "")
    weight_text, value_text, local_text = (
        _col(cols, weight_name),
        _col(cols, "value_usd"),
        _col(cols, local_name),
    )
    weight, value, local = (
        t.cast(pl.Float64, strict=False) for t in (weight_text, value_text, local_text)
    )
    code = _col(cols, "hs_code_as_given").str.replace_all(r"\D", "")
    code = pl.when(code.str.len_chars() >= 4).then(code).otherwise(pl.lit(COMPILED_DEFAULT_HS))
    approx = _col(cols, "value_qualifier").fill_null("") == "approx"
    flow = pl.col("flow").str.to_lowercase()
    year_text = _col(cols, "year")
    is_month = (start.dt.day() == 1) & (end == start.dt.month_end())
    is_year = (
        (start.dt.month() == 1) & (start.dt.day() == 1) & (end == pl.date(end.dt.year(), 12, 31))
    )
    columns = {
        "year": start.dt.year(),
        "month": pl.when(is_month).then(start.dt.month()),
        "period_type": pl.when(is_year)
        .then(pl.lit("annual"))
        .when(is_month)
        .then(pl.lit("monthly"))
        .otherwise(pl.lit("partial")),
        "period_start": start,
        "period_end": end,
        "reporter_iso3": pl.col("_reporter_iso3"),
        "partner_iso3": pl.col("_partner_iso3"),
        "flow": flow,
        **_hs(code),
        "port": _col(cols, "entry_point"),
        "net_weight_kg": weight,
        "value_usd": value,
        # BPS import values are CIF; the compiled export figures do not state their valuation.
        "valuation": pl.when(value.is_not_null() & (flow == "import")).then(pl.lit("CIF")),
        "value_local": local,
        "local_currency": pl.when(local.is_not_null()).then(
            pl.lit(local_name.removeprefix("value_").upper() or None)
        ),
        "weight_estimated": approx & weight.is_not_null(),
        "value_estimated": approx & (value.is_not_null() | local.is_not_null()),
        "value_qualifier": _col(cols, "value_qualifier"),
        "source_kind": pl.lit("news_quote"),
        "producer": _producer(
            _col(cols, "underlying_database"),
            _col(cols, "quoted_origin"),
            _col(cols, "reporter", "reporter_exporter"),
        ),
        "source": pl.col("source"),
        "source_url": pl.when(pl.col("source").str.contains(r"^https?://"))
        .then(pl.col("source"))
        .otherwise(None),
        "source_date": _col(cols, "source_date"),
        "source_detail": pl.concat_str(
            [_col(cols, c) for c in ("underlying_database", "quoted_origin", "quoted_by")],
            separator="; ",
            ignore_nulls=True,
        ).replace("", None),
        "note": _col(cols, "notes"),
    }
    reporter = _col(cols, "reporter", "reporter_exporter")
    partner = _col(cols, "partner", "partner_importer")
    checks: Checks = [
        (
            unreadable,
            pl.format("period '{}' is not a year (YYYY), a month (YYYY-MM) or a date range", label),
        ),
        (end.dt.year() != start.dt.year(), pl.format("period '{}' spans several years", label)),
        (
            year_text.cast(pl.Int32, strict=False) != start.dt.year(),
            pl.format("year '{}' does not match period '{}'", year_text, label),
        ),
        (~flow.is_in(FLOWS), pl.format("unknown flow '{}'", pl.col("flow"))),
        (pl.col("_reporter_iso3").is_null(), pl.format("unknown reporter country '{}'", reporter)),
        (pl.col("_partner_iso3").is_null(), pl.format("unknown partner country '{}'", partner)),
        _not_a_number(weight_text, weight, weight_name),
        _not_a_number(value_text, value, "value_usd"),
        _not_a_number(local_text, local, local_name),
        (
            weight.is_null() & value.is_null() & local.is_null(),
            pl.lit("no figure: neither a weight nor a value"),
        ),
    ]
    return columns, checks


def _countries_of(raw: pl.DataFrame, fmt: str) -> pl.DataFrame:
    """Add `_reporter_iso3` and `_partner_iso3` resolved once per distinct name."""
    cols = raw.columns
    if fmt == "comtrade":
        reporter, partner = raw["reporterISO"], raw["partnerISO"]
    elif fmt == "bps":
        roles = {role: c for c, role in _bps_columns(cols).items()}
        reporter = pl.Series(["IDN"] * raw.height, dtype=pl.String)
        partner = raw[roles.get("partner_export", roles.get("partner", ""))]
    else:
        reporter = raw[next(c for c in ("reporter", "reporter_exporter") if c in cols)]
        partner_name = next((c for c in ("partner", "partner_importer") if c in cols), None)
        partner = (
            raw[partner_name]
            if partner_name
            else pl.Series(["World"] * raw.height, dtype=pl.String)
        )
    return raw.with_columns(_reporter_iso3=to_iso3(reporter), _partner_iso3=to_iso3(partner))


#: Producers of trade statistics a quote may name, with the words that name them.
PRODUCERS = {
    "ITC Trade Map": r"(?i)trade ?map|\bITC\b",
    "UN Comtrade": r"(?i)comtrade",
    "DOSM": r"(?i)\bDOSM\b|statistics malaysia",
    "BPS": r"(?i)\bBPS\b|badan pusat statistik",
}
#: The national statistics office behind a reporter's own figures, when a quote names none.
NATIONAL_OFFICES = {"Indonesia": "BPS", "Malaysia": "DOSM"}


def _producer(database: pl.Expr, origin: pl.Expr, reporter: pl.Expr) -> pl.Expr:
    """Who compiled a quoted figure: the database the quote names, else the statistics
    office its origin names, else the reporter's national office, else "not stated"."""
    named = pl.coalesce(database, origin)
    found = pl.lit(None, dtype=pl.String)
    for name, pattern in reversed(PRODUCERS.items()):
        found = pl.when(named.str.contains(pattern)).then(pl.lit(name)).otherwise(found)
    return pl.coalesce(
        found, reporter.replace_strict(NATIONAL_OFFICES, default=None), pl.lit("not stated")
    )


PARSERS = {"bps": _parse_bps, "comtrade": _parse_comtrade, "compiled": _parse_compiled}
#: Defaults for clean columns a format does not give.
DEFAULTS: dict[str, pl.Expr] = {
    "port": _null(),
    "value_local": pl.lit(None, dtype=pl.Float64),
    "local_currency": _null(),
    "weight_estimated": pl.lit(False),
    "value_estimated": pl.lit(False),
    "value_qualifier": _null(),
    "source_date": _null(),
    "source_url": _null(),
    "source_detail": _null(),
    "note": _null(),
}


def _parse(raw: pl.DataFrame, fmt: str, path: Path) -> pl.DataFrame:
    """The clean columns plus `reason` (null for rows that parsed)."""
    columns, checks = PARSERS[fmt](raw, path)
    exprs = {**DEFAULTS, **columns}
    return _countries_of(raw, fmt).select(
        pl.col(ROW),
        first_problem(*checks).alias(REASON),
        *[exprs[name].alias(name) for name in CustomsSchema.column_names() if name in exprs],
        pl.col(FILE),
    )


def _is_known_header(cells: list[str]) -> bool:
    return detect_format(cells) is not None


def load_customs(path: str | Path) -> Loaded:
    """Load one trade table (BPS portal, UN Comtrade or compiled) into the clean customs
    schema, quarantining bad rows.

    Rows that repeat an earlier row exactly are counted in `n_duplicates`; rows that cannot be
    parsed or fail validation go to `rejected` with their raw text and a reason. An unknown
    header raises `DataError` naming the file and the columns each format needs.
    """
    path = Path(path)
    raw = read_table(path, _is_known_header)
    fmt = detect_format(raw.columns)
    if fmt is None:
        raise _unknown_header(path, raw.columns)
    rows = RawRows.of(raw, path)
    clean, reasons = validate(CustomsSchema, _parse(rows.kept, fmt, path), RULE_MESSAGES)
    return rows.loaded(clean.sort(ROW), reasons, info={"format": fmt})
