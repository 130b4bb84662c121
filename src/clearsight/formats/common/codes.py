"""Matching source values to stored codes, once for every format (formats.md §1 "Stored form", §2.6).

A value is matched by the first rule that applies:

1. a blank (or `#N/A`, `N/A`, `Unknown`, `c) Unknown`) → NULL, no issue;
2. the value is a code of the set, in any case (`neg` → `NEG`), or its label (`Neglect`);
3. an Annex A label: a letter prefix (`a) `, `p1) `) and the code before `:` or ` - `
   (`f) U6: Foster placement - not FFA` → `U6`), or a prefix and a bare code (`a) WBRI`);
4. a `CODE: label` or `CODE - label` value (`N1 - Abuse or neglect`);
5. a synonym: the set's built-in ones (yes/no spellings, the SSD's `01`/`02` genders) and any the
   format passes (903 sex `1`/`2`).

The extracted code must belong to the set. Anything else is unknown: stored as NULL, reported by the
caller, and kept raw in provenance. Matching works on each distinct value once, so it is fast on
millions of rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from clearsight.model.codes import code_set

BLANK = {"", "#n/a", "n/a", "null", "unknown", "not known", "c) unknown"}

_PREFIX = re.compile(r"^[a-z]{1,2}\d?\)\s*")
_CODE_THEN_LABEL = re.compile(r"^([A-Za-z0-9]{1,5})\s*(?::|\s-)\s*")

_YES = {"y", "yes", "true", "1", "a) yes"}
_NO = {"n", "no", "false", "0", "b) no"}
BUILT_IN_SYNONYMS: dict[str, dict[str, str]] = {
    "yes_no": {**dict.fromkeys(_YES, "Y"), **dict.fromkeys(_NO, "N")},
    "yes_no_na": {**dict.fromkeys(_YES, "Y"), **dict.fromkeys(_NO, "N"), "n/a": "NA", "na": "NA"},
    # the SSD YAML's codes (formats.md §1, Value conventions)
    "gender": {"01": "M", "02": "F", "00": "U", "09": "I"},
}


def _normalise(value: str) -> str:
    return " ".join(value.replace("\u00a0", " ").split())


@dataclass(frozen=True)
class Matcher:
    """Matches raw values against one code set; build with `matcher_for`."""

    name: str
    by_code: Mapping[str, str]  # upper-case code → stored code
    by_label: Mapping[str, str]  # lower-case label or synonym → stored code

    def match_one(self, raw: str) -> tuple[str | None, bool]:
        """(stored code or None, True when the value was not blank but nothing matched)."""
        value = _normalise(raw)
        lowered = value.lower()
        if lowered in BLANK and lowered not in self.by_label:
            return None, False
        if (code := self.by_code.get(value.upper())) or (code := self.by_label.get(lowered)):
            return code, False
        unprefixed = _PREFIX.sub("", value)
        if (code := self.by_code.get(unprefixed.upper())) or (code := self.by_label.get(unprefixed.lower())):
            return code, False
        found = _CODE_THEN_LABEL.match(unprefixed)
        if found and (code := self.by_code.get(found.group(1).upper())):
            return code, False
        return None, True

    def match(self, values: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
        """(stored codes, unknown mask) for a column of raw values; nulls stay null and known."""
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        text = values.cast(pa.string())
        distinct = pc.unique(text).drop_null()
        results = [self.match_one(v) for v in distinct.to_pylist()]
        position = pc.index_in(text, distinct)
        codes = pc.take(pa.array([r[0] for r in results], pa.string()), position)
        unknown = pc.take(pa.array([r[1] for r in results], pa.bool_()), position).fill_null(False)
        return codes, unknown


def matcher_for(name: str, synonyms: Mapping[str, str] | None = None) -> Matcher:
    """A matcher for code set `name`, with the set's built-in synonyms and the format's own."""
    codes = code_set(name)
    by_code = {code.upper(): code for code in codes}
    by_label = {_normalise(label).lower(): code for code, label in codes.items()}
    for extra in (BUILT_IN_SYNONYMS.get(name, {}), synonyms or {}):
        for synonym, code in extra.items():
            if code not in codes:
                raise ValueError(f"synonym {synonym!r} of code set {name} names {code!r}, which is not in it")
            by_label[_normalise(synonym).lower()] = code
    return Matcher(name, by_code, by_label)


ACCOMMODATION = "clea_care_leaver_accommodation"
SUITABILITY = "clea_care_leaver_accom_suitable"
ACCOMMODATION_DISAGREES = (
    "the accommodation code's suitability digit disagrees with the suitability column; unsuitable kept"
)


def reconcile_suitability(care_leavers: pa.Table, digits: pa.Array) -> tuple[pa.Table, pa.Array]:
    """Fold the suitability digits split off accommodation codes (`S2`) into the suitability column.

    Where a digit disagrees with the column, unsuitable (2) wins (formats.md §1, §4.6). Returns the
    table and the rows that disagreed, for the caller to report.
    """
    suitability = care_leavers[SUITABILITY].combine_chunks()
    disagree = pc.and_kleene(pc.not_equal(digits, suitability), pc.is_valid(suitability)).fill_null(False)
    unsuitable = pc.or_kleene(pc.equal(digits, "2"), pc.equal(suitability, "2")).fill_null(False)
    suitability = pc.if_else(unsuitable, "2", pc.coalesce(suitability, digits))
    index = care_leavers.schema.get_field_index(SUITABILITY)
    return care_leavers.set_column(index, SUITABILITY, suitability), disagree


def split_accommodation(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Split care-leaver accommodation `S2` into its letter and suitability digit (formats.md §4.6).

    Returns (the value with any trailing 1/2 removed, the digit or NULL).
    """
    text = pc.utf8_trim_whitespace(values.cast(pa.string()))
    parts = pc.extract_regex(text, r"^(?P<letter>[A-Za-z])(?P<digit>[12])$")
    letter = pc.struct_field(parts, "letter")
    return pc.coalesce(letter, text), pc.struct_field(parts, "digit")
