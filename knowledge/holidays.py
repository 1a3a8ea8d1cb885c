"""Local public holidays of the municipalities (`data/local_holidays.yaml`, facts section G.1).

`local_holidays(municipality_ids, first, last)` gives the days in [first, last] on which a municipality
among `municipality_ids` has its own public holiday, with the holiday's name; booking closes then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import yaml

__all__ = ["LOCAL_HOLIDAYS_FILE", "LocalHoliday", "load_local_holidays", "local_holidays"]

LOCAL_HOLIDAYS_FILE = Path(__file__).parent / "data" / "local_holidays.yaml"


@dataclass(frozen=True)
class LocalHoliday:
    municipality_id: str
    month: int
    day: int
    since_year: int
    name_el: str
    name_en: str
    source: str

    def on(self, year: int) -> date | None:
        return date(year, self.month, self.day) if year >= self.since_year else None


@cache
def load_local_holidays(path: Path = LOCAL_HOLIDAYS_FILE) -> tuple[LocalHoliday, ...]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    out = []
    for raw in data.get("holidays") or []:
        if not str(raw.get("source", "")).startswith("https://"):
            raise ValueError(f"{path.name}: the holiday of {raw.get('municipality')} needs a source")
        out.append(
            LocalHoliday(
                municipality_id=str(raw["municipality"]),
                month=int(raw["month"]),
                day=int(raw["day"]),
                since_year=int(raw.get("since_year", 1)),
                name_el=str(raw["name"]["el"]),
                name_en=str(raw["name"]["en"]),
                source=str(raw["source"]),
            )
        )
    return tuple(out)


def local_holidays(municipality_ids: Iterable[str], first: date, last: date) -> dict[date, LocalHoliday]:
    """The local holidays of these municipalities between `first` and `last` (inclusive)."""
    wanted = set(municipality_ids)
    found: dict[date, LocalHoliday] = {}
    for holiday in load_local_holidays():
        if holiday.municipality_id not in wanted:
            continue
        for year in range(first.year, last.year + 1):
            day = holiday.on(year)
            if day is not None and first <= day <= last:
                found[day] = holiday
    return found
