"""One pass over a parsed CIN census: the raw text of every block, with lines and parent links.

Elements are found by name, never by position (formats.md §5.0), and nothing is judged here: text is
kept exactly as found, and `build.py` casts and checks whole columns at once. Each block keeps,
per element found, the text of its fields, the line of each field (the block's own line when the
field is absent), the child's id, and the index of the enclosing block's row, so that ids derived
later can be passed down without a second pass.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from clearsight.model.issues import ERROR, Issue

CHILD = "Message/Children/Child"
DETAILS = f"{CHILD}/CINdetails"

PERSON_FIELDS = (
    "LAchildID",
    "UPN",
    "FormerUPN",
    "UPNunknown",
    "PersonBirthDate",
    "ExpectedPersonBirthDate",
    "GenderCurrent",
    "Sex",
    "PersonDeathDate",
    "Ethnicity",
)
DETAILS_FIELDS = (
    "CINreferralDate",
    "ReferralSource",
    "PrimaryNeedCode",
    "CINclosureDate",
    "ReasonForClosure",
    "DateOfInitialCPC",
    "ReferralNFA",
)
ASSESSMENT_FIELDS = (
    "AssessmentActualStartDate",
    "AssessmentInternalReviewDate",
    "AssessmentAuthorisationDate",
)
PLAN_FIELDS = ("CINPlanStartDate", "CINPlanEndDate")
S47_FIELDS = ("S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired")
ICPC_FIELDS = ("InitialCPCtarget", "DateOfInitialCPC")
CPP_FIELDS = (
    "CPPstartDate",
    "CPPendDate",
    "InitialCategoryOfAbuse",
    "LatestCategoryOfAbuse",
    "NumberOfPreviousCPP",
)
PERSON_WITHIN = {name: "ChildIdentifiers" for name in PERSON_FIELDS} | {"Ethnicity": "ChildCharacteristics"}
PRE_PROCEEDINGS_FIELDS = (
    "PPStartDate",
    "LBPSentDate",
    "FGDMMeetingOffer",
    "FGDMMeetingFac",
    "InitialPPMeetingDate",
    "ReviewMeetingsCount",
    "StepDecisionDate",
    "PPOutcome",
    "CourtAppDate",
    "LetterInitCPDate",
)


@dataclass
class Block:
    """The raw text of one kind of block, one entry per element found, in document order.

    `link` is a second index where a block needs one: an ICPC's Section47, a CP plan's ICPC.
    `within` names the element between the block and a field, where there is one.
    """

    path: str
    fields: tuple[str, ...]
    within: dict[str, str] = field(default_factory=dict)
    values: dict[str, list[str | None]] = field(default_factory=dict)
    lines: dict[str, list[int]] = field(default_factory=dict)
    row: list[int] = field(default_factory=list)
    location: list[str] = field(default_factory=list)
    person: list[str] = field(default_factory=list)
    parent: list[int] = field(default_factory=list)
    link: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.values = {name: [] for name in self.fields}
        self.lines = {name: [] for name in self.fields}

    def __len__(self) -> int:
        return len(self.row)

    def field_path(self, location: str, name: str) -> str:
        """The XML path of field `name` in a row read at `location`."""
        if location.endswith(f"/{name}"):
            return location
        return "/".join(filter(None, (location, self.within.get(name), name)))

    def add(
        self,
        found: dict[str, etree._Element],
        line: int,
        person: str,
        parent: int = -1,
        link: int = -1,
        location: str | None = None,
    ) -> int:
        """Append one element's fields (`found`: field name → its element); returns the row index."""
        for name in self.fields:
            element = found.get(name)
            self.values[name].append(None if element is None else element.text)
            self.lines[name].append(line if element is None else element.sourceline)
        self.row.append(line)
        self.location.append(location or self.path)
        self.person.append(person)
        self.parent.append(parent)
        self.link.append(link)
        return len(self.row) - 1


def _by_name(elements: Iterable[etree._Element]) -> dict[str, etree._Element]:
    """Each child element by name; the first wins when a name repeats (the schema check reports it)."""
    found: dict[str, etree._Element] = {}
    for element in elements:
        for child in element:
            found.setdefault(child.tag, child)
    return found


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


@dataclass
class Collected:
    """Every block of one file, plus the issues found while walking it."""

    file: str
    person: Block = field(default_factory=lambda: Block(CHILD, PERSON_FIELDS, PERSON_WITHIN))
    repeats: Block = field(default_factory=lambda: Block(CHILD, PERSON_FIELDS, PERSON_WITHIN))
    disabilities: Block = field(
        default_factory=lambda: Block(f"{CHILD}/ChildCharacteristics/Disabilities", ("Disability",))
    )
    details: Block = field(default_factory=lambda: Block(DETAILS, DETAILS_FIELDS))
    assessments: Block = field(default_factory=lambda: Block(f"{DETAILS}/Assessments", ASSESSMENT_FIELDS))
    factors: Block = field(
        default_factory=lambda: Block(
            f"{DETAILS}/Assessments/FactorsIdentifiedAtAssessment", ("AssessmentFactors",)
        )
    )
    plans: Block = field(default_factory=lambda: Block(f"{DETAILS}/CINPlanDates", PLAN_FIELDS))
    s47: Block = field(default_factory=lambda: Block(f"{DETAILS}/Section47", S47_FIELDS))
    icpc: Block = field(default_factory=lambda: Block(f"{DETAILS}/Section47", ICPC_FIELDS))
    cpp: Block = field(default_factory=lambda: Block(f"{DETAILS}/ChildProtectionPlans", CPP_FIELDS))
    reviews: Block = field(
        default_factory=lambda: Block(f"{DETAILS}/ChildProtectionPlans/Reviews", ("CPPreviewDate",))
    )
    pre_proceedings: Block = field(
        default_factory=lambda: Block(f"{DETAILS}/PreProceedingsandFGDM", PRE_PROCEEDINGS_FIELDS)
    )
    issues: list[Issue] = field(default_factory=list)

    def blocks(self) -> list[Block]:
        """Every block read into a table (the repeated children's records are only compared)."""
        return [v for v in vars(self).values() if isinstance(v, Block) and v is not self.repeats]

    def _items(self, block: Block, parent_element: etree._Element | None, person: str, parent: int) -> None:
        """One row per child element of a list block (Disability, AssessmentFactors, CPPreviewDate)."""
        if parent_element is None:
            return
        name = block.fields[0]
        for item in parent_element:
            if item.tag == name:
                block.add({name: item}, item.sourceline, person, parent)

    def _details(self, element: etree._Element, person: str, child_row: int) -> None:
        found = _by_name([element])
        episode = self.details.add(found, element.sourceline, person, child_row)
        icpc_by_date: dict[str, int] = {}
        for part in element:
            tag = part.tag
            if tag == "Assessments":
                row = self.assessments.add(_by_name([part]), part.sourceline, person, episode)
                factors = next((e for e in part if e.tag == "FactorsIdentifiedAtAssessment"), None)
                self._items(self.factors, factors, person, row)
            elif tag == "CINPlanDates":
                self.plans.add(_by_name([part]), part.sourceline, person, episode)
            elif tag == "Section47":
                fields = _by_name([part])
                row = self.s47.add(fields, part.sourceline, person, episode)
                date = _text(fields.get("DateOfInitialCPC"))
                if date or _text(fields.get("InitialCPCtarget")):
                    icpc = self.icpc.add(fields, part.sourceline, person, episode, link=row)
                    if date:
                        icpc_by_date.setdefault(date, icpc)
            elif tag == "PreProceedingsandFGDM":
                self.pre_proceedings.add(_by_name([part]), part.sourceline, person, episode)
        # formats.md §5.3: the episode's own ICPC date is the Section47's ICPC when they agree.
        own = found.get("DateOfInitialCPC")
        if _text(own) and _text(own) not in icpc_by_date:
            location = f"{DETAILS}/DateOfInitialCPC"
            icpc_by_date[_text(own)] = self.icpc.add(
                {"DateOfInitialCPC": own}, own.sourceline, person, episode, location=location
            )
        for part in element:
            if part.tag == "ChildProtectionPlans":
                fields = _by_name([part])
                # formats.md §5.7: a plan's ICPC is the episode's ICPC held on the day the plan starts.
                start = _text(fields.get("CPPstartDate"))
                icpc = icpc_by_date.get(start, -1) if start else -1
                row = self.cpp.add(fields, part.sourceline, person, episode, link=icpc)
                reviews = next((e for e in part if e.tag == "Reviews"), None)
                self._items(self.reviews, reviews, person, row)

    def child(self, element: etree._Element, seen: dict[str, int]) -> None:
        """Collect one <Child>: its identifiers, characteristics and every CINdetails."""
        parts = {part.tag: part for part in element}
        identity = [
            p for p in (parts.get("ChildIdentifiers"), parts.get("ChildCharacteristics")) if p is not None
        ]
        found = _by_name(identity)
        person = _text(found.get("LAchildID"))
        if not person:
            self.issues.append(
                Issue(
                    "child has no LAchildID, so none of its records can be keyed; not read",
                    ERROR,
                    file=self.file,
                    sheet=CHILD,
                    row=element.sourceline,
                )
            )
            return
        if person in seen:
            # The first record of a repeated child is kept; build.py reports how the others differ.
            self.repeats.add(found, element.sourceline, person, seen[person])
            row = seen[person]
        else:
            row = seen[person] = self.person.add(found, element.sourceline, person)
            characteristics = parts.get("ChildCharacteristics")
            disabilities = None
            if characteristics is not None:
                disabilities = next((e for e in characteristics if e.tag == "Disabilities"), None)
            self._items(self.disabilities, disabilities, person, row)
        for part in element:
            if part.tag == "CINdetails":
                self._details(part, person, row)


def collect(root: etree._Element, file: str) -> Collected:
    """Every block of a CIN census document whose root is <Message>."""
    collected = Collected(file)
    seen: dict[str, int] = {}
    for children in root.iterfind("Children"):
        for child in children.iterfind("Child"):
            collected.child(child, seen)
    return collected
