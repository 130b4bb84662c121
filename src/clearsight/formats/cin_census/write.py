"""Write a CIN census XML file from a snapshot's canonical tables (formats.md §7, §5 in reverse).

The census is the one whose year contains `as_at` (2025/26 for any date from 1 April 2025 to
31 March 2026). Elements come in the order that year's XSD demands, with that year's names and codes
(`Sex` from 2024/25, `GenderCurrent` before), so the file validates against the year's schema (the
nearest year's when clearsight has none for it; spec/README.md).

What goes in: every child with a CIN episode open at any time in the census year, with every
assessment, CIN plan, section 47 enquiry, ICPC, CP plan and review recorded against those episodes.
What the schema cannot take is left out or filled, as spec/README.md lists: rows without their
required start date are left out; a required code with no stored value takes the DfE's own "not
known" code (Sex `U`, GenderCurrent `0`, Ethnicity `NOBT`, ReferralSource `10`), flags `0`, and a
missing category of abuse `MUL`; an optional value the year's schema rejects (a malformed UPN) is
left out. The file is written to a temporary file beside `out` and renamed into place.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from lxml import etree

from clearsight import __version__
from clearsight.formats.cin_census.profile import Profile, census_label, census_year, profile, reference_date
from clearsight.formats.common.output import atomic_output
from clearsight.model import TABLES

GENDER_CURRENT = {"M": "1", "F": "2", "U": "0", "I": "9"}  # formats.md §5.2, in reverse
YES_NO = {"Y": "1", "N": "0"}
Values = dict[str, object]  # element name → text, a built element, or a list of either


# The canonical columns the census carries (formats.md §5), the only ones turned into Python rows.
READS = {
    "ssd_person": (
        "pers_person_id",
        "pers_upn",
        "pers_upn_unknown",
        "pers_dob",
        "pers_expected_dob",
        "pers_sex",
        "pers_gender",
        "pers_death_date",
        "pers_ethnicity",
    ),
    "ssd_disability": ("disa_person_id", "disa_disability_code"),
    "ssd_cin_episodes": (
        "cine_referral_id",
        "cine_person_id",
        "cine_referral_date",
        "cine_referral_source_code",
        "cine_cin_primary_need_code",
        "cine_close_date",
        "cine_close_reason",
        "cine_referral_nfa",
    ),
    "ssd_cin_assessments": (
        "cina_assessment_id",
        "cina_referral_id",
        "cina_assessment_start_date",
        "cina_assessment_auth_date",
    ),
    "ssd_assessment_factors": ("cinf_assessment_id", "cinf_assessment_factors_json"),
    "ssd_cin_plans": ("cinp_referral_id", "cinp_cin_plan_start_date", "cinp_cin_plan_end_date"),
    "ssd_s47_enquiry": (
        "s47e_s47_enquiry_id",
        "s47e_referral_id",
        "s47e_s47_start_date",
        "s47e_s47_outcome_json",
    ),
    "ssd_initial_cp_conference": (
        "icpc_s47_enquiry_id",
        "icpc_referral_id",
        "icpc_icpc_target_date",
        "icpc_icpc_date",
    ),
    "ssd_cp_plans": (
        "cppl_cp_plan_id",
        "cppl_referral_id",
        "cppl_person_id",
        "cppl_cp_plan_start_date",
        "cppl_cp_plan_end_date",
        "cppl_cp_plan_initial_category",
        "cppl_cp_plan_latest_category",
    ),
    "ssd_cp_reviews": ("cppr_cp_plan_id", "cppr_cp_review_date"),
}


def _rows(tables: Mapping[str, pa.Table], name: str, key: str, keep: pa.Array) -> list[dict]:
    """The rows of table `name` whose `key` is in `keep`, as dicts of the columns the census reads."""
    if name not in tables:
        return []
    table = tables[name].select(list(READS[name]))
    return table.filter(pc.is_in(table[key], value_set=keep)).to_pylist()


def _grouped(rows: list[dict], key: str) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return groups


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


class CensusWriter:
    """Builds <Child> elements in the order and with the names of one census year's schema."""

    def __init__(self, tables: Mapping[str, pa.Table], year: Profile) -> None:
        self.year = year
        start = reference_date(year.collection_year - 1) + dt.timedelta(days=1)
        end = reference_date(year.collection_year)
        episodes = tables.get("ssd_cin_episodes", TABLES["ssd_cin_episodes"].empty())
        episodes = episodes.select(list(READS["ssd_cin_episodes"]))
        open_in_year = pc.and_(
            pc.less_equal(episodes["cine_referral_date"], end),
            pc.or_kleene(
                pc.is_null(episodes["cine_close_date"]), pc.greater_equal(episodes["cine_close_date"], start)
            ),
        )
        episodes = episodes.filter(open_in_year)
        self.episodes = _grouped(episodes.to_pylist(), "cine_person_id")
        children = pc.unique(episodes["cine_person_id"])
        referrals = episodes["cine_referral_id"]
        self.people = {
            r["pers_person_id"]: r for r in _rows(tables, "ssd_person", "pers_person_id", children)
        }
        self.disabilities = _grouped(
            _rows(tables, "ssd_disability", "disa_person_id", children), "disa_person_id"
        )
        by_referral = {
            name: _grouped(_rows(tables, name, key, referrals), key)
            for name, key in (
                ("ssd_cin_assessments", "cina_referral_id"),
                ("ssd_cin_plans", "cinp_referral_id"),
                ("ssd_s47_enquiry", "s47e_referral_id"),
                ("ssd_initial_cp_conference", "icpc_referral_id"),
                ("ssd_cp_plans", "cppl_referral_id"),
            )
        }
        self.assessments = by_referral["ssd_cin_assessments"]
        self.plans = by_referral["ssd_cin_plans"]
        self.enquiries = by_referral["ssd_s47_enquiry"]
        self.conferences = by_referral["ssd_initial_cp_conference"]
        self.cp_plans = by_referral["ssd_cp_plans"]
        assessments = pa.array(
            [r["cina_assessment_id"] for rows in self.assessments.values() for r in rows], pa.string()
        )
        factors = _rows(tables, "ssd_assessment_factors", "cinf_assessment_id", assessments)
        self.factors = {r["cinf_assessment_id"]: r for r in factors}
        plans = pa.array([r["cppl_cp_plan_id"] for rows in self.cp_plans.values() for r in rows], pa.string())
        self.reviews = _grouped(_rows(tables, "ssd_cp_reviews", "cppr_cp_plan_id", plans), "cppr_cp_plan_id")
        # NumberOfPreviousCPP: the child's plans that started before this one, in the whole snapshot.
        self.plan_starts = defaultdict(list)
        for row in _rows(tables, "ssd_cp_plans", "cppl_person_id", children):
            if row["cppl_cp_plan_start_date"] is not None:
                self.plan_starts[row["cppl_person_id"]].append(row["cppl_cp_plan_start_date"])

    def code(self, element: str, value: str | None, fallback: str | None = None) -> str | None:
        """The value if the year's schema accepts it for `element`, else `fallback`."""
        return value if value is not None and self.year.allows(element, value) else fallback

    def element(self, name: str, values: Values) -> etree._Element:
        """<name> holding `values` in schema order; elements the year does not have are left out.

        A value may be text, a built element, or a list of either (one element per item).
        """
        node = etree.Element(name)
        for child in self.year.sequences[name]:
            value = values.get(child)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, etree._Element):
                    node.append(item)
                elif item is not None:
                    etree.SubElement(node, child).text = str(item)
        return node

    def wrapper(self, name: str, item: str, values: list[str]) -> etree._Element | None:
        """<Disabilities>, <Reviews>, <FactorsIdentifiedAtAssessment>: only when there is an item."""
        return self.element(name, {item: values}) if values else None

    def child(self, person_id: str) -> etree._Element:
        person = self.people.get(person_id, {})
        identifiers = {
            "LAchildID": person_id,
            "UPN": self.code("UPN", person.get("pers_upn")),
            "UPNunknown": self.code("UPNunknown", person.get("pers_upn_unknown")),
            "PersonBirthDate": _date(person.get("pers_dob")),
            "ExpectedPersonBirthDate": _date(person.get("pers_expected_dob")),
            "Sex": self.code("Sex", person.get("pers_sex"), "U"),
            "GenderCurrent": self.code(
                "GenderCurrent", GENDER_CURRENT.get(person.get("pers_gender") or ""), "0"
            ),
            "PersonDeathDate": _date(person.get("pers_death_date")),
        }
        codes = [
            self.code("Disability", r["disa_disability_code"]) for r in self.disabilities.get(person_id, [])
        ]
        disabilities = [c for c in codes if c is not None]
        characteristics = {
            "Ethnicity": self.code("Ethnicity", person.get("pers_ethnicity"), "NOBT"),
            "Disabilities": self.wrapper("Disabilities", "Disability", disabilities),
        }
        episodes = sorted(
            self.episodes[person_id], key=lambda r: (r["cine_referral_date"], r["cine_referral_id"])
        )
        return self.element(
            "Child",
            {
                "ChildIdentifiers": [self.element("ChildIdentifiers", identifiers)],
                "ChildCharacteristics": [self.element("ChildCharacteristics", characteristics)],
                "CINdetails": [self.details(episode) for episode in episodes],
            },
        )

    def details(self, episode: dict) -> etree._Element:
        referral = episode["cine_referral_id"]
        conferences = sorted(
            self.conferences.get(referral, []),
            key=lambda r: (r["icpc_icpc_date"] is None, r["icpc_icpc_date"] or dt.date.min),
        )
        enquiry_ids = {r["s47e_s47_enquiry_id"] for r in self.enquiries.get(referral, [])}
        # formats.md §5.3: the episode's own ICPC date; one not tied to an enquiry in this episode first.
        dated = [r for r in conferences if r["icpc_icpc_date"] is not None]
        unlinked = [r for r in dated if r["icpc_s47_enquiry_id"] not in enquiry_ids]
        own = (unlinked or dated or [None])[0]
        return self.element(
            "CINdetails",
            {
                "CINreferralDate": _date(episode["cine_referral_date"]),
                "ReferralSource": self.code("ReferralSource", episode["cine_referral_source_code"], "10"),
                "PrimaryNeedCode": self.code("PrimaryNeedCode", episode["cine_cin_primary_need_code"]),
                "CINclosureDate": _date(episode["cine_close_date"]),
                "ReasonForClosure": self.code("ReasonForClosure", episode["cine_close_reason"]),
                "DateOfInitialCPC": _date(own["icpc_icpc_date"]) if own else None,
                "Assessments": [
                    self.assessment(r)
                    for r in self._started(referral, self.assessments, "cina_assessment_start_date")
                ],
                "CINPlanDates": [
                    self.element(
                        "CINPlanDates",
                        {
                            "CINPlanStartDate": _date(r["cinp_cin_plan_start_date"]),
                            "CINPlanEndDate": _date(r["cinp_cin_plan_end_date"]),
                        },
                    )
                    for r in self._started(referral, self.plans, "cinp_cin_plan_start_date")
                ],
                "Section47": [
                    self.enquiry(r, conferences)
                    for r in self._started(referral, self.enquiries, "s47e_s47_start_date")
                ],
                "ReferralNFA": YES_NO.get(episode["cine_referral_nfa"], "0"),
                "ChildProtectionPlans": [
                    self.cp_plan(r) for r in self._started(referral, self.cp_plans, "cppl_cp_plan_start_date")
                ],
            },
        )

    @staticmethod
    def _started(referral: str, rows: dict[str, list[dict]], start: str) -> list[dict]:
        """The episode's rows that have their required start date, in date order."""
        return sorted((r for r in rows.get(referral, []) if r[start] is not None), key=lambda r: r[start])

    def assessment(self, row: dict) -> etree._Element:
        stored = self.factors.get(row["cina_assessment_id"])
        codes = json.loads(stored["cinf_assessment_factors_json"] or "[]") if stored else []
        allowed = [code for code in codes if self.code("AssessmentFactors", code)]
        return self.element(
            "Assessments",
            {
                "AssessmentActualStartDate": _date(row["cina_assessment_start_date"]),
                "AssessmentAuthorisationDate": _date(row["cina_assessment_auth_date"]),
                "FactorsIdentifiedAtAssessment": self.wrapper(
                    "FactorsIdentifiedAtAssessment", "AssessmentFactors", allowed
                ),
            },
        )

    def enquiry(self, row: dict, conferences: list[dict]) -> etree._Element:
        icpc = next((r for r in conferences if r["icpc_s47_enquiry_id"] == row["s47e_s47_enquiry_id"]), {})
        outcome = json.loads(row["s47e_s47_outcome_json"] or "{}")
        return self.element(
            "Section47",
            {
                "S47ActualStartDate": _date(row["s47e_s47_start_date"]),
                "InitialCPCtarget": _date(icpc.get("icpc_icpc_target_date")),
                "DateOfInitialCPC": _date(icpc.get("icpc_icpc_date")),
                # §5.6: ICPCnotRequired is CP_CONFERENCE_FLAG inverted.
                "ICPCnotRequired": "1" if outcome.get("CP_CONFERENCE_FLAG") == "N" else "0",
            },
        )

    def cp_plan(self, row: dict) -> etree._Element:
        start = row["cppl_cp_plan_start_date"]
        initial = self.code("InitialCategoryOfAbuse", row["cppl_cp_plan_initial_category"], "MUL")
        reviews = sorted(
            r["cppr_cp_review_date"]
            for r in self.reviews.get(row["cppl_cp_plan_id"], [])
            if r["cppr_cp_review_date"]
        )
        return self.element(
            "ChildProtectionPlans",
            {
                "CPPstartDate": _date(start),
                "CPPendDate": _date(row["cppl_cp_plan_end_date"]),
                "InitialCategoryOfAbuse": initial,
                "LatestCategoryOfAbuse": self.code(
                    "LatestCategoryOfAbuse", row["cppl_cp_plan_latest_category"], initial
                ),
                "NumberOfPreviousCPP": sum(1 for s in self.plan_starts[row["cppl_person_id"]] if s < start),
                "Reviews": self.wrapper("Reviews", "CPPreviewDate", [r.isoformat() for r in reviews]),
            },
        )

    def header(self, la_code: str) -> etree._Element:
        year = self.year.collection_year
        details = {"Collection": "CIN", "Year": year, "ReferenceDate": reference_date(year).isoformat()}
        source = {
            "SourceLevel": "L",
            "LEA": la_code,
            "SoftwareCode": "Clearsight",
            "Release": __version__,
            "SerialNo": "001",
        }
        return self.element(
            "Header",
            {
                "CollectionDetails": [self.element("CollectionDetails", details)],
                "Source": [self.element("Source", source)],
            },
        )


def write(tables: Mapping[str, pa.Table], as_at: dt.date, out: Path, la_code: str) -> Path:
    """Write the census for the year containing `as_at` to `out`, atomically; returns `out`.

    Raises ValueError when `la_code` is not a three-digit LA code (the census's Header/Source/LEA),
    or when no CIN episode is open in the census year (the schema needs at least one child). The
    file is readable by its owner only (`atomic_output`).
    """
    if not re.fullmatch(r"\d{3}", la_code):
        raise ValueError(f"a CIN census needs the council's three-digit LA code, not {la_code!r}")
    writer = CensusWriter(tables, profile(census_year(as_at)))
    if not writer.episodes:
        label = census_label(writer.year.collection_year)
        raise ValueError(f"no CIN episode is open in the {label} census year, so there is no census to write")
    out = Path(out)
    with (
        atomic_output(out) as temp,
        open(temp, "wb") as stream,
        etree.xmlfile(stream, encoding="utf-8") as xf,
    ):
        xf.write_declaration()
        with xf.element("Message"):
            xf.write(writer.header(la_code), pretty_print=True)
            with xf.element("Children"):
                for person_id in sorted(writer.episodes):
                    xf.write(writer.child(person_id), pretty_print=True)
    return out
