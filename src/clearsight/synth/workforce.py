"""The council's workforce: service areas and teams (`ssd_department`) and staff (`ssd_professionals`).

At county scale: 40 social work teams of about ten social workers (15% agency) under four service
areas, each team with a manager, plus personal advisers, independent reviewing officers, early help
practitioners, quality assurance leads and heads of service. Smaller councils scale the team counts.

Must not import anything from clearsight except `clearsight.model` and `synth` modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from clearsight.synth import columns as col
from clearsight.synth.names import full_names

# Team kinds: (kind, service area, team name stem, teams at county scale, staff per team, staff title).
ASSESSMENT, LOCALITY, IN_CARE, ADOPTION, LEAVING_CARE, REVIEWING, EARLY_HELP, QUALITY = range(8)
_KINDS = (
    (ASSESSMENT, 0, "Assessment Team", 8, 10, "Social Worker"),
    (LOCALITY, 1, "Children in Need and Protection Team", 22, 10, "Social Worker"),
    (IN_CARE, 2, "Children in Care Team", 8, 10, "Social Worker"),
    (ADOPTION, 2, "Adoption and Permanence Team", 2, 8, "Social Worker"),
    (LEAVING_CARE, 3, "Leaving Care Team", 4, 12, "Personal Adviser"),
    (REVIEWING, 4, "Independent Reviewing Service", 2, 12, "Independent Reviewing Officer"),
    (EARLY_HELP, 5, "Early Help Team", 4, 8, "Early Help Practitioner"),
    (QUALITY, 4, "Quality Assurance Team", 1, 5, "Quality Assurance Lead"),
)
_AREAS = (
    "Front Door and Assessment",
    "Help and Protection",
    "Children in Care and Permanence",
    "Care Leavers",
    "Safeguarding and Quality Assurance",
    "Early Help",
)
SOCIAL_WORK_KINDS = (ASSESSMENT, LOCALITY, IN_CARE, ADOPTION)
_SENIOR_TITLES = ("Social Worker", "Senior Social Worker", "Advanced Practitioner")


@dataclass
class Workforce:
    """Teams and staff, as arrays indexed by team number and staff number."""

    team_ids: pa.Array  # ssd_department ids of the teams (service areas are rows of their own)
    team_kind: np.ndarray
    team_manager: np.ndarray  # staff number of each team's manager
    staff_ids: pa.Array
    staff_team: np.ndarray
    staff_kind_member: np.ndarray  # True for the team's ordinary members (not its manager)
    heads: np.ndarray  # staff numbers of the heads of service
    department: pa.Table
    _names: list[str]
    _titles: list[str]
    _fte: np.ndarray
    _agency: np.ndarray

    def team_of(self, staff: np.ndarray) -> np.ndarray:
        """The team number of each staff number (-1 for -1, no one)."""
        staff = np.asarray(staff)
        return np.where(staff >= 0, self.staff_team[np.maximum(staff, 0)], -1)

    def teams(self, kind: int) -> np.ndarray:
        """Team numbers of one kind."""
        return np.flatnonzero(self.team_kind == kind)

    def members(self, kind: int) -> np.ndarray:
        """Staff numbers of the ordinary members of every team of one kind, grouped by team."""
        mask = self.staff_kind_member & (self.team_kind[self.staff_team] == kind)
        return np.flatnonzero(mask)

    def professionals(self, caseload: np.ndarray) -> pa.Table:
        """`ssd_professionals`, with each person's caseload (children allocated at as_at)."""
        n = len(self.staff_ids)
        registered = np.isin(self.team_kind[self.staff_team], (*SOCIAL_WORK_KINDS, REVIEWING, QUALITY))
        team_names = np.asarray(self.department["dept_team_name"].to_pylist(), dtype=object)
        row_of_team = {tid: i for i, tid in enumerate(self.department["dept_team_id"].to_pylist())}
        team_rows = np.array([row_of_team[t] for t in self.team_ids.to_pylist()])
        return col.table(
            "ssd_professionals",
            {
                "prof_professional_id": self.staff_ids,
                "prof_staff_id": col.ids("E", n, start=40001),
                "prof_professional_name": self._names,
                "prof_social_worker_registration_no": [
                    f"SW{700000 + i}" if r else None for i, r in enumerate(registered)
                ],
                "prof_professional_job_title": self._titles,
                "prof_professional_caseload": caseload.astype(np.int64),
                "prof_professional_department": team_names[team_rows[self.staff_team]].tolist(),
                "prof_full_time_equivalency": self._fte,
                "prof_agency_worker_flag": col.flags(self._agency),
            },
        )


def build(rng: np.random.Generator, scale: float) -> Workforce:
    """Teams and staff for a council of the given scale (1.0 = county)."""
    kinds, areas_of_team, team_names = [], [], []
    for kind, area, stem, county_teams, _size, _title in _KINDS:
        count = max(1, round(county_teams * scale))
        for i in range(count):
            kinds.append(kind)
            areas_of_team.append(area)
            team_names.append(f"{stem} {i + 1}" if count > 1 else stem)
    team_kind = np.array(kinds)
    n_areas, n_teams = len(_AREAS), len(kinds)
    dept_ids = col.ids("D", n_areas + n_teams)
    parent = [None] * n_areas + [dept_ids[a].as_py() for a in areas_of_team]
    department = col.table(
        "ssd_department",
        {
            "dept_team_id": dept_ids,
            "dept_team_name": [*_AREAS, *team_names],
            "dept_team_parent_id": parent,
            "dept_team_parent_name": [None] * n_areas + [_AREAS[a] for a in areas_of_team],
        },
    )
    sizes = {kind: size for kind, _a, _s, _c, size, _t in _KINDS}
    title_of = {kind: title for kind, _a, _s, _c, _size, title in _KINDS}
    staff_team, member, titles = [], [], []
    team_manager = np.zeros(n_teams, dtype=np.int64)
    for team, kind in enumerate(kinds):
        team_manager[team] = len(staff_team)
        staff_team.append(team)
        member.append(False)
        titles.append("Team Manager")
        size = max(3, int(rng.integers(sizes[kind] - 2, sizes[kind] + 3)))
        for _ in range(size):
            staff_team.append(team)
            member.append(True)
            title = title_of[kind]
            titles.append(
                _SENIOR_TITLES[rng.choice(3, p=(0.6, 0.3, 0.1))] if title == "Social Worker" else title
            )
    heads = np.arange(len(staff_team), len(staff_team) + n_areas)
    quality_team = int(np.flatnonzero(team_kind == QUALITY)[0])
    staff_team.extend([quality_team] * n_areas)
    member.extend([False] * n_areas)
    titles.extend(["Head of Service"] * n_areas)
    staff_team_arr = np.array(staff_team)
    n_staff = staff_team_arr.size
    social = np.isin(team_kind[staff_team_arr], SOCIAL_WORK_KINDS) & np.array(member)
    agency = np.where(social, rng.random(n_staff) < 0.15, rng.random(n_staff) < 0.03)
    fte = rng.choice(np.array([1.0, 0.8, 0.6, 0.5]), size=n_staff, p=(0.75, 0.12, 0.08, 0.05))
    return Workforce(
        team_ids=dept_ids.slice(n_areas),
        team_kind=team_kind,
        team_manager=team_manager,
        staff_ids=col.ids("W", n_staff),
        staff_team=staff_team_arr,
        staff_kind_member=np.array(member),
        heads=heads,
        department=department,
        _names=full_names(rng, n_staff),
        _titles=titles,
        _fte=fte,
        _agency=agency,
    )
