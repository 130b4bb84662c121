"""The roles people have in Clearsight and what each may see (issue: web foundation, "Roles and scopes").

Every view names the roles that may use it (`clearsight.web.access.allow`); these sets are the
vocabulary those declarations use. Child-level data is further limited by scope: all of it, a head of
service's service areas, or a team manager's teams (`Scope`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    ANALYST = "analyst"
    SENIOR_LEADER = "senior_leader"
    HEAD_OF_SERVICE = "head_of_service"
    TEAM_MANAGER = "team_manager"
    QA_LEAD = "qa_lead"
    DPO = "dpo"
    BOARD_MEMBER = "board_member"
    ELECTED_MEMBER = "elected_member"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Role.ADMINISTRATOR: "Administrator",
    Role.ANALYST: "Performance analyst",
    Role.SENIOR_LEADER: "Senior leader",
    Role.HEAD_OF_SERVICE: "Head of service",
    Role.TEAM_MANAGER: "Team manager",
    Role.QA_LEAD: "Quality-assurance lead",
    Role.DPO: "Data protection officer",
    Role.BOARD_MEMBER: "Improvement-board member",
    Role.ELECTED_MEMBER: "Elected Member",
}

EVERY_ROLE = frozenset(Role)
# Child-level data: every child for these roles...
WHOLE_COUNCIL = frozenset({Role.ANALYST, Role.SENIOR_LEADER, Role.QA_LEAD})
# ...and, within their scope, for these.
CHILD_DATA = WHOLE_COUNCIL | {Role.HEAD_OF_SERVICE, Role.TEAM_MANAGER}
# Indicator figures as computed (no suppression): everyone who sees children, and the board.
AGGREGATES = CHILD_DATA | {Role.BOARD_MEMBER}
ACCESS_LOG = frozenset({Role.DPO})
ACCOUNTS = frozenset({Role.ADMINISTRATOR})
# The access log names children, so the DPO passes a second factor too.
DEFAULT_OTP_ROLES = CHILD_DATA | ACCESS_LOG


@dataclass(frozen=True)
class Scope:
    """Which children a person may see: every child (`whole_council`), or those allocated to one of
    `teams` (team ids, `ssd_department.dept_team_id`) or to a team of one of `service_areas` (the
    parent department ids). Nobody else sees any child."""

    whole_council: bool = False
    teams: frozenset[str] = frozenset()
    service_areas: frozenset[str] = frozenset()

    @property
    def sees_children(self) -> bool:
        return self.whole_council or bool(self.teams or self.service_areas)

    def covers(self, team_id: str | None, service_area_id: str | None) -> bool:
        """Whether a child allocated to this team (of this service area) is in scope."""
        if self.whole_council:
            return True
        return (team_id is not None and team_id in self.teams) or (
            service_area_id is not None and service_area_id in self.service_areas
        )


def scope_of(role: Role | None, teams: list[str], service_areas: list[str]) -> Scope:
    """The scope a role gives, from the teams and service areas a person is assigned."""
    if role in WHOLE_COUNCIL:
        return Scope(whole_council=True)
    if role == Role.HEAD_OF_SERVICE:
        return Scope(service_areas=frozenset(service_areas))
    if role == Role.TEAM_MANAGER:
        return Scope(teams=frozenset(teams))
    return Scope()
