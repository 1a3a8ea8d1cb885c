"""Extract the settlements of Western Macedonia's four regional units from ΕΛΣΤΑΤ's census file.

    pip install xlrd   # only this one-off step needs it; the project does not
    python scripts/extract_elstat_settlements.py PATH/Kallikratis_me_plithismous_1991_2011.xls PATH/ELSTAT_coord.csv

Source: ΕΛΣΤΑΤ (Hellenic Statistical Authority), «Απογραφές πληθυσμού 1991, 2001, 2011 σύμφωνα με
την κωδικοποίηση της Απογραφής 2011» — every settlement (οικισμός, level 8) under its local or
municipal community (level 7), municipal unit (ΔΕ, level 6), municipality (level 5) and regional
unit (level 4) of the Kallikratis programme (ν. 3852/2010), with the 2011 resident population:
https://www.statistics.gr/documents/20181/1210503/Kallikratis_me_plithismous_1991_2011.xls/4b9f7484-fae7-44e2-852c-ec650dc0a5c8?version=1.0
(the copy read here: github.com/jgchaparro/HellasDB, data/raw_data/raw_census.xls, commit a1c2f21).

Coordinates: ΕΛΣΤΑΤ's settlement points published on geodata.gov.gr (WFS layer
geodata.gov.gr:f45c73bd-d733-4fe0-871b-49f270c56a75, «Οικισμοί», 2001 coding) as converted to WGS84
degrees in the same repository (data/ELSTAT_coord.csv); the rows of the four prefectures are copied
unchanged to knowledge/data/sources/geodata-settlement-points.csv.

Writes knowledge/data/sources/elstat-2011-settlements.csv, one row per settlement, the names exactly
as ΕΛΣΤΑΤ writes them ("Βατερόν,το"). scripts/build_gazetteer.py turns that into the gazetteer.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "knowledge" / "data" / "sources" / "elstat-2011-settlements.csv"
POINTS_OUT = OUT.with_name("geodata-settlement-points.csv")
PREFECTURES = ("ΚΟΖΑΝΗΣ", "ΓΡΕΒΕΝΩΝ", "ΚΑΣΤΟΡΙΑΣ", "ΦΛΩΡΙΝΗΣ")
# ΠΕ Κοζάνης, Γρεβενών, Καστοριάς, Φλώρινας in the 2011 coding (region 21, Δυτική Μακεδονία).
REGIONAL_UNITS = ("14", "15", "16", "17")
COLUMNS = (
    "code",
    "name",
    "population_2011",
    "community_code",
    "community",
    "unit_code",
    "unit",
    "municipality_code",
    "municipality",
    "regional_unit_code",
    "regional_unit",
)


def _strip_seat(name: str) -> str:
    """'ΔΗΜΟΣ ΚΟΖΑΝΗΣ (Έδρα: Κοζάνη,η, ...)' -> 'ΔΗΜΟΣ ΚΟΖΑΝΗΣ'."""
    return name.split(" (Έδρα")[0].strip()


def extract(xls: Path) -> list[dict[str, str]]:
    import xlrd  # type: ignore[import-not-found]  # a tool-only dependency

    sheet = xlrd.open_workbook(str(xls)).sheet_by_index(0)
    parents: dict[int, tuple[str, str]] = {}
    rows: list[dict[str, str]] = []
    for r in range(sheet.nrows):
        level, _nuts1, nuts2, code, name, population = sheet.row_values(r)[:6]
        if not isinstance(level, float):
            continue
        lvl = int(level)
        code = str(code).strip()
        parents[lvl] = (code, _strip_seat(str(name)))
        for deeper in [k for k in parents if k > lvl]:
            del parents[deeper]
        if lvl != 8 or nuts2 != "21" or code[:2] not in REGIONAL_UNITS:
            continue
        rows.append(
            {
                "code": code,
                "name": str(name).strip(),
                "population_2011": str(int(population)),
                "community_code": parents[7][0],
                "community": parents[7][1],
                "unit_code": parents[6][0],
                "unit": parents[6][1],
                "municipality_code": parents[5][0],
                "municipality": parents[5][1],
                "regional_unit_code": parents[4][0],
                "regional_unit": parents[4][1],
            }
        )
    return rows


def copy_points(coord_csv: Path) -> int:
    with coord_csv.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or ())
        rows = [r for r in reader if r["nomos"] in PREFECTURES]
    with POINTS_OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    rows = extract(Path(argv[0]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} settlements -> {OUT.relative_to(ROOT)}")
    print(f"{copy_points(Path(argv[1]))} points -> {POINTS_OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
