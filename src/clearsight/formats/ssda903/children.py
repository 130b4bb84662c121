"""903 Header and UASC → persons and immigration status, and the cross-checks on each child.

formats.md §4.1, §4.4. `UPN` holds a UPN or an "unknown" code `UN1`–`UN7`: a `UN` value goes to
`pers_upn_unknown`, anything else to `pers_upn` (a value that is not a 13-character UPN is kept with a
warning). `MOTHER` 1/0 is Y/N. A child in the UASC table has one `ssd_immigration_status` row, status
`UASC`, ending at `DUC`; its start is not collected.

`DOB` (and UASC `SEX`) repeat the Header in most tables. The Header wins; every row that disagrees
gets a warning, as does each child missing from the Header.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from clearsight.formats.common.codes import matcher_for
from clearsight.formats.common.keys import derive_ids
from clearsight.formats.common.result import FormatResult
from clearsight.formats.ssda903.build import add, query
from clearsight.formats.ssda903.cells import report
from clearsight.model.issues import ERROR, WARNING, Issue

HEADER = "Header"
UASC = "UASC"
_UN_CODE = r"^UN\d$"
_UPN = r"^[A-Z]\d{11}[0-9A-Z]$"


def add_persons(header: pa.Table, result: FormatResult) -> None:
    """Add one ssd_person row per Header row (repeats already dropped)."""
    upn = pc.utf8_upper(header["UPN"].combine_chunks())
    unknown = pc.match_substring_regex(upn, _UN_CODE).fill_null(False)
    codes, bad = matcher_for("upn_unknown").match(pc.if_else(unknown, upn, None))
    result.issues += report(
        header,
        bad,
        problem="not one of the UPN unknown codes; stored as empty",
        severity=ERROR,
        table=HEADER,
        column="UPN",
        values=header["raw_UPN"].combine_chunks(),
    )
    odd = pc.and_(pc.invert(unknown), pc.invert(pc.match_substring_regex(upn, _UPN))).fill_null(False)
    result.issues += report(
        header,
        odd,
        problem="not a 13-character UPN (a letter, 11 digits, then a digit or letter); kept",
        severity=WARNING,
        table=HEADER,
        column="UPN",
        values=header["raw_UPN"].combine_chunks(),
    )
    add(
        result,
        "ssd_person",
        header,
        {
            "pers_person_id": header["CHILD"],
            "pers_sex": header["SEX"],
            "pers_ethnicity": header["ETHNIC"],
            "pers_dob": header["DOB"],
            "pers_upn_unknown": codes,
            "pers_is_mother": header["MOTHER"],
            "pers_upn": pc.if_else(unknown, None, upn),
        },
        {
            "pers_sex": "SEX",
            "pers_ethnicity": "ETHNIC",
            "pers_dob": "DOB",
            "pers_is_mother": "MOTHER",
            "pers_upn": "UPN",
        },
    )


def add_immigration_status(uasc: pa.Table, la_code: str, result: FormatResult) -> None:
    """Add one ssd_immigration_status row (UASC) per child in the UASC table."""
    n = uasc.num_rows
    add(
        result,
        "ssd_immigration_status",
        uasc,
        {
            "immi_person_id": uasc["CHILD"],
            "immi_immigration_status_id": derive_ids(
                la_code, "ssd_immigration_status", uasc["CHILD"], pa.array(["UASC"] * n)
            ),
            "immi_immigration_status": pa.array(["UASC"] * n, pa.string()),
            "immi_immigration_status_end_date": uasc["DUC"],
        },
        {"immi_immigration_status_end_date": "DUC"},
    )


def cross_check(table: str, data: pa.Table, header: pa.Table | None) -> list[Issue]:
    """Warnings for rows whose DOB (or SEX) differs from the Header's, and children not in the Header."""
    if header is None or data.num_rows == 0:
        return []
    columns = [c for c in ("DOB", "SEX") if c in data.column_names and c in header.column_names]
    picked = [
        "t.CHILD",
        "t._path",
        "t._sheet",
        "t._row",
        *(f"t.raw_{c}" for c in columns),
        *(f"h.{c} as header_{c}" for c in columns),
        *(f"coalesce(t.{c} <> h.{c}, false) as differs_{c}" for c in columns),
        "h.CHILD is null and row_number() over (partition by t.CHILD order by t._row) = 1 as absent",
    ]
    checked = query(
        f"select {', '.join(picked)} from t left join h using (CHILD) order by t._path, t._row",
        t=data.select(["CHILD", "_path", "_sheet", "_row", *columns, *(f"raw_{c}" for c in columns)]),
        h=header.select(["CHILD", *columns]),
    )
    issues = report(
        checked,
        checked["absent"].combine_chunks(),
        problem="the child is not in the Header",
        severity=WARNING,
        table=table,
        column="CHILD",
    )
    for column in columns:
        failed = pc.filter(checked, checked[f"differs_{column}"])
        for row in failed.to_pylist():
            header_value = row[f"header_{column}"]
            shown = header_value.strftime("%d/%m/%Y") if column == "DOB" else header_value
            problem = f"differs from the Header's {column} ({shown}); the Header's is kept"
            issues.append(
                Issue(
                    problem,
                    WARNING,
                    table=table,
                    key=row["CHILD"],
                    column=column,
                    value=row[f"raw_{column}"],
                    file=row["_path"],
                    sheet=row["_sheet"],
                    row=row["_row"],
                )
            )
    return issues
