"""Read Ofsted Annex A into canonical tables plus issues (formats.md §3).

Input is one xlsx workbook, several workbooks, one csv file per list, or a folder of them. Each sheet
is recognised by its columns, not its name (falling back to the name, `List 9`), against the versioned
header profiles in spec/lists.yml; a sheet that is no list is reported and skipped. Values are checked
and stored in their stored form (§1) with an issue for every cell that cannot be used (`cells.py`),
mapped list by list (`lists.py`, `care.py`), combined into one row per key with one `ssd_person` per
child (`assemble.py`), and linked across lists (`link.py`). Provenance records each row's file, sheet
and Excel row, and the raw cells where a mapping reduced a value (§2.7).

Annex A gives no as-at date, so `FormatResult.as_at` stays None. When the caller knows the extract's
date (`clearsight load --as-at`), `as_at` dates the current allocations of Lists 6-8 (§3.6) and keys
the List 9 row of each care leaver (§2.3); without it those are NULL.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

from clearsight.formats.annex_a import care, link, lists
from clearsight.formats.annex_a.assemble import Builder, combine
from clearsight.formats.annex_a.cells import Cells, convert
from clearsight.formats.annex_a.files import SUFFIXES, Sheet, iter_headers, read_file
from clearsight.formats.annex_a.profiles import recognise_sheet
from clearsight.formats.common.files import find_files
from clearsight.formats.common.result import FormatResult
from clearsight.model import TABLES
from clearsight.model.issues import ERROR, WARNING, Issue, UnusableInput
from clearsight.sources import describe_source

SOURCE_FORMAT = "annex_a"
MAPPINGS: dict[int, Callable[[Builder, object], None]] = {
    1: lists.contacts,
    2: lists.early_help,
    3: lists.referrals,
    4: lists.assessments,
    5: lists.enquiries,
    6: lists.children_in_need,
    7: lists.protection,
    8: care.children_in_care,
    9: care.care_leavers,
    10: care.adoption,
    11: care.adopters,
}
NOT_A_LIST = "sheet is not an Annex A list (its columns fit none of lists 1-11); skipped"
NO_ID = "the sheet has no identifier column, so its rows cannot be used"


def read(
    paths: Iterable[Path | str], *, la_code: str, limit_mb: float, as_at: dt.date | None = None
) -> FormatResult:
    """Read Annex A files. Raises UnusableInput for a file that cannot be used, or when no list is found."""
    given = [Path(p) for p in paths]
    result = FormatResult(SOURCE_FORMAT)
    builder = Builder(la_code, as_at)
    for path in find_files(given, SUFFIXES):
        prepared = read_file(path, limit_mb, _prepare)
        source = describe_source(path)
        if source.name in result.files:
            raise UnusableInput(
                str(path), f"has the same name as another file given ({source.name}): rename one"
            )
        result.files[source.name] = source
        builder.paths[source.name] = str(path)
        for list_number, cells, issues in prepared:
            result.issues += issues
            if cells is not None:
                builder.sheets += 1
                MAPPINGS[list_number](builder, cells)
    if builder.sheets == 0:
        names = ", ".join(str(p) for p in given) or "(no files)"
        raise UnusableInput(names, "holds no Annex A list: no sheet has the columns of lists 1-11")
    link.add_periods(builder)
    tables, issues = combine(builder)
    link.link_referrals(tables)
    link.link_conferences(tables)
    link.link_adopters(builder, tables)
    for name in TABLES:
        if name in tables:
            rows = tables[name]
            result.add(name, rows.stored, rows.origin, rows.raw if rows.raw.num_columns else None)
    result.issues += builder.issues + issues
    return result


def _prepare(sheet: Sheet) -> tuple[int | None, Cells | None, list[Issue]]:
    """(list number, the sheet's cells in stored form, its issues); no cells for a sheet of no list."""
    recognised = recognise_sheet(sheet.header, sheet.label)
    where = {"file": str(sheet.path), "sheet": sheet.label}
    if recognised is None:
        return None, None, [Issue(NOT_A_LIST, WARNING, **where)]
    if recognised.spec.current.columns[0].key not in recognised.match.columns:
        return None, None, [Issue(NO_ID, ERROR, **where)]
    cells, issues = convert(sheet, recognised)
    return recognised.spec.number, cells, issues


def recognise(path: Path | str, *, limit_mb: float = 200) -> bool:
    """True when the file is an xlsx or csv file with a sheet whose header row fits an Annex A list.

    Cheap: sheets are looked at one by one until one fits, and a csv file's first line only. An Excel
    file that cannot be opened (old .xls, password, damage) is claimed, so that `read` reports why,
    rather than every reader turning it down.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (*SUFFIXES, ".xls"):
        return False
    try:
        return any(recognise_sheet(s.header, None) is not None for s in iter_headers(path, limit_mb))
    except UnusableInput:
        return suffix != ".csv"
