"""The roles people have in Clearsight and what each may see (issue: web foundation, "Roles and scopes").

Every view names the roles that may use it (`clearsight.web.access.allow`); these sets are the
vocabulary those declarations use. Child-level data is further limited by scope: all of it, a head of
service's service areas, or a team manager's teams (`Scope`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ImproperlyConfigured


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
# Loading files and publishing snapshots (the data page).
DATA_LOADS = frozenset({Role.ANALYST})
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
    def key(self) -> str:
        """The scope as a short text, the same for the same scope (for keeping pages drawn for it)."""
        if self.whole_council:
            return "council"
        return f"teams:{','.join(sorted(self.teams))};areas:{','.join(sorted(self.service_areas))}"

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


# Council single sign-on (`accounts/oidc.py`): which identity-provider group gives which role. Parsed
# here, without Django's models, so that the settings can refuse to start on a bad mapping.
ROLE_GROUPS_SETTING = "CLEARSIGHT_OIDC_ROLE_GROUPS"


def parse_role_groups(text: str) -> dict[str, Role]:
    """`group=role,group=role` as an ordered mapping from group to role (the order is kept: when a
    person is in several mapped groups, the first of them here gives the role).

    Entries are separated by commas, or by semicolons when the text holds any (for group names with
    commas in them, such as LDAP distinguished names); a group name may itself hold `=`, as the role is
    what follows the last one. Raises ImproperlyConfigured, naming the entry, for an entry that is not
    `group=role`, a role Clearsight does not know, a group given twice, or a mapping with no entry.
    """
    separator = ";" if ";" in text else ","
    mapping: dict[str, Role] = {}
    for entry in (part.strip() for line in text.splitlines() for part in line.split(separator)):
        if not entry:
            continue
        group, equals, name = entry.rpartition("=")
        group, name = group.strip(), name.strip().lower()
        if not equals or not group or not name:
            raise ImproperlyConfigured(f"{ROLE_GROUPS_SETTING}: {entry!r} is not group=role")
        try:
            role = Role(name)
        except ValueError:
            known = ", ".join(role.value for role in Role)
            raise ImproperlyConfigured(
                f"{ROLE_GROUPS_SETTING}: {entry!r} names no Clearsight role ({name!r}); the roles are {known}"
            ) from None
        if group in mapping and mapping[group] != role:
            raise ImproperlyConfigured(
                f"{ROLE_GROUPS_SETTING}: the group {group!r} is given two roles "
                f"({mapping[group].value} and {role.value})"
            )
        mapping.setdefault(group, role)
    if not mapping:
        raise ImproperlyConfigured(
            f"{ROLE_GROUPS_SETTING} must map at least one identity-provider group to a role "
            "(group=role,group=role) when single sign-on is on"
        )
    return mapping


def role_from_groups(groups: Iterable[str], role_groups: dict[str, Role]) -> Role | None:
    """The role a person in these groups has: that of the first group in the mapping's order they are
    in (so the choice never depends on the order the identity provider lists groups), or None."""
    held = set(groups)
    return next((role for group, role in role_groups.items() if group in held), None)
