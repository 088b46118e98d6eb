"""Trade files in the real layouts analysts receive, written by the tests."""

from __future__ import annotations

from pathlib import Path

BPS_HEADER = (
    "No;Kode HS;Uraian HS;Negara Asal;Pelabuhan;Tahun;Bulan;Berat Bersih (Kg);Nilai CIF (US$)"
)
#: BPS portal rows: partner by port and month, Indonesian numbers; the 2022 totals per partner
#: are Japan 12.003 kg / USD 24.478, Malaysia 1.650 kg / USD 1.774,50.
BPS_ROWS = [
    "1;63090000;Pakaian bekas dan barang bekas lainnya;JEPANG;Soekarno-Hatta (U);2022;Januari;"
    "10.000,00;20.000,00",
    "2;63090000;Pakaian bekas dan barang bekas lainnya;JEPANG;Tanjung Priok;2022;Maret;"
    "2.003,00;4.478,00",
    "3;6309.00.00;Pakaian bekas dan barang bekas lainnya;MALAYSIA;Belawan;2022;Okt;1.650,00;"
    "1.774,50",
    "4;63090000;Pakaian bekas dan barang bekas lainnya;KOREA SELATAN;Tanjung Perak;2022;12;"
    "0,5;12,25",
]


def write_bps_csv(folder: Path, rows: list[str] | None = None, *, name: str = "bps.csv") -> Path:
    """A BPS portal export as people download it: Windows-1252, `;`, title rows, a total."""
    lines = [
        "Impor Pakaian Bekas Menurut Negara Asal dan Pelabuhan",
        "Periode: Januari - Desember 2022 (é)",
        "",
        BPS_HEADER,
        *(BPS_ROWS if rows is None else rows),
        ";;;Jumlah;;2022;;13.653,50;26.264,75",
    ]
    path = folder / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


COMTRADE_HEADER = (
    "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,"
    "reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,"
    "partner2ISO,partner2Desc,classificationCode,classificationSearchCode,"
    "isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,"
    "mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,"
    "altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,"
    "isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,legacyEstimationFlag,isReported,"
    "isAggregate"
)


def comtrade_row(
    *,
    year: int = 2022,
    month: str = "52",
    reporter: tuple[str, str, str] = ("458", "MYS", "Malaysia"),
    flow: str = "X",
    partner: tuple[str, str, str] = ("360", "IDN", "Indonesia"),
    cmd: str = "6309",
    mot: str = "0",
    kg: str = "24544000",
    kg_estimated: str = "False",
    cif: str = "",
    fob: str = "11100000.5",
    primary: str = "11100000.5",
) -> str:
    """One UN Comtrade v1 record; empty strings are empty cells."""
    period = str(year) if month == "52" else f"{year}{int(month):02d}"
    freq = "A" if month == "52" else "M"
    flow_desc = {"X": "Export", "M": "Import", "RX": "Re-export"}.get(flow, flow)
    cells = [
        "C",
        freq,
        f"{period}01" if freq == "M" else f"{year}0101",
        str(year),
        month,
        period,
        *reporter,
        flow,
        flow_desc,
        *partner,
        "0",
        "W00",
        "World",
        "H6",
        "HS",
        "True",
        cmd,
        "Worn clothing and other worn articles",
        "4",
        "True",
        "C00",
        "TOTAL CPC",
        "0",
        mot,
        "TOTAL MOT",
        "8",
        "kg",
        kg,
        "False",
        "-1",
        "N/A",
        "",
        "False",
        kg,
        kg_estimated,
        "",
        "False",
        cif,
        fob,
        primary,
        "0",
        "True",
        "False",
    ]
    return ",".join(cells)


def write_comtrade_csv(folder: Path, rows: list[str], *, name: str = "comtrade.csv") -> Path:
    path = folder / name
    path.write_text(COMTRADE_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def comtrade_import_row(**overrides: str) -> str:
    """Indonesia's reported import from Malaysia, 2022: 1,650 kg, USD 1,774.5 CIF."""
    fields: dict = {
        "reporter": ("360", "IDN", "Indonesia"),
        "flow": "M",
        "partner": ("458", "MYS", "Malaysia"),
        "kg": "1650",
        "cif": "1774.5",
        "fob": "",
        "primary": "1774.5",
    }
    return comtrade_row(**{**fields, **overrides})
