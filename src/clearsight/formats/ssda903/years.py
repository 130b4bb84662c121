"""Which collection year a set of 903 files is for (formats.md §4.0).

In order, the first that gives an answer:

1. the year the caller names (`read(..., collection_year=2025)`);
2. a year in the file names, as councils and liiatools name returns: `2024-25`, `2024_25`, `202425`
   or `2425` (the year to 31 March 2025), or a bare end year `2025` (liiatools' `SSDA903_2020_*.csv`).
   Files naming different years cannot be read together;
3. the dates: the collection year (1 April to 31 March) holding the latest Episodes `DECOM` or `DEC`
   that is not after today, or, with no Episodes, the latest activity date of the other tables
   (reviews, missing episodes, social worker episodes, adoption dates, DoLo).

A year that comes from the caller or the names must hold at least one of the files' activity dates,
when they have any: otherwise the files are another year's return and cannot be used. The columns
only confirm the year: a SWEpisodes file before 2023/24 or a DoLo file before 2026/27 is reported by
the reader as a table that year does not collect.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from clearsight.formats.ssda903.cells import strict_dates
from clearsight.formats.ssda903.inputs import Found
from clearsight.formats.ssda903.spec import collection_year_of, supported_years, year_bounds, year_label
from clearsight.model.issues import INFO, WARNING, Issue, UnusableInput

EPISODE_DATES = ("DECOM", "DEC")
ACTIVITY_DATES = {
    "Reviews": ("REVIEW",),
    "Missing": ("MIS_START", "MIS_END"),
    "SWEpisodes": ("SW_DECOM", "SW_DEC"),
    "AD1": ("DATE_INT", "DATE_MATCH"),
    "PlacedAdoption": ("DATE_PLACED", "DATE_PLACED_CEASED"),
    "DoLo": ("DOLO_START", "DOLO_END"),
}
_TOKEN = re.compile(r"(?<!\d)(\d{4})(?:[-_](\d{2}))?(\d{2})?(?!\d)")


def year_in_name(name: str) -> int | None:
    """The collection year a file name gives, if any (see the module docstring for the forms)."""
    for found in _TOKEN.finditer(name):
        four, short, tail = found.group(1), found.group(2), found.group(3)
        later = short or tail
        if later is not None:
            first = int(four)
            if 1990 <= first <= 2099 and int(later) == (first + 1) % 100:
                return first + 1
            continue
        if four.startswith(("19", "20")) and 1990 <= int(four) <= 2099:
            return int(four)
        if int(four[2:]) == (int(four[:2]) + 1) % 100:
            return 2000 + int(four[2:])
    return None


def _dates(found: Iterable[Found], columns: dict[str, tuple[str, ...]], today: dt.date) -> pa.Array:
    parts = []
    for item in found:
        for column in columns.get(item.table, ()):
            if column in item.cells.column_names:
                parts.append(strict_dates(item.cells[column].combine_chunks())[0].drop_null())
    if not parts:
        return pa.array([], pa.date32())
    dates = pa.concat_arrays(parts)
    return pc.filter(dates, pc.less_equal(dates, pa.scalar(today, pa.date32())))


def _latest(dates: pa.Array) -> dt.date | None:
    return pc.max(dates).as_py() if len(dates) else None


def detect_year(
    found: list[Found], *, collection_year: int | None, today: dt.date, issues: list[Issue]
) -> int:
    """The collection year of the files, with an INFO issue saying how it was found.

    Raises UnusableInput when it cannot be told, when the file names disagree, when the year named
    holds none of the files' dates, or when it is before the first year the spec covers.
    """
    episodes = _dates(found, {"Episodes": EPISODE_DATES}, today)
    dates = pa.concat_arrays([episodes, _dates(found, ACTIVITY_DATES, today)])
    latest = _latest(episodes) or _latest(dates)
    named = {item.path.name: year for item in found if (year := year_in_name(item.path.name))}
    if collection_year is not None:
        year, how = collection_year, "as given"
    elif len(set(named.values())) > 1:
        listed = ", ".join(f"{name} ({year_label(year)})" for name, year in sorted(named.items()))
        raise UnusableInput(listed, "these files name different collection years; read each year on its own")
    elif named:
        year, how = next(iter(named.values())), "from the file names"
    elif latest is not None:
        year, how = collection_year_of(latest), f"from the latest activity date ({latest:%d/%m/%Y})"
    else:
        where = ", ".join(str(item.path) for item in found)
        raise UnusableInput(where, "cannot tell the collection year: no year in the file names and no dates")
    start, end = year_bounds(year)
    within = pc.and_(pc.greater_equal(dates, start), pc.less_equal(dates, end))
    if len(dates) and not pc.any(within).as_py():
        where = ", ".join(sorted({str(item.path) for item in found}))
        newest = _latest(dates)
        raise UnusableInput(
            where,
            f"the {year_label(year)} return was expected ({how}), but no date in these files falls in it: "
            f"the latest is {newest:%d/%m/%Y}, in {year_label(collection_year_of(newest))}",
        )
    first, last = supported_years()
    if year < first:
        raise UnusableInput(
            ", ".join(str(item.path) for item in found),
            f"is a {year_label(year)} return; Clearsight reads 903 returns from {year_label(first)}",
        )
    if year > last:
        problem = f"the {year_label(year)} return is read with the newest spec ({year_label(last)})"
        issues.append(Issue(problem, WARNING))
    issues.append(Issue(f"collection year {year_label(year)}, {how}", INFO))
    return year
