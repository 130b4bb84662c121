"""Demonstration accounts, one per role (two team managers, for two teams), for `clearsight demo`.

Each run gives every account a new random password, printed once; demonstration accounts are exempt
from the second factor, and the demo says so.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from clearsight.warehouse import Snapshot
from clearsight.warehouse.teams import teams
from clearsight.web.accounts.models import Profile
from clearsight.web.accounts.roles import Role
from clearsight.web.snapshots import exceptions


@dataclass(frozen=True)
class Account:
    role: Role
    username: str
    password: str

    def line(self) -> str:
        """`account <role> <username> <password>`, the form scripts read."""
        return f"account {self.role.value} {self.username} {self.password}"


def _busiest_teams(snapshot: Snapshot, count: int) -> list:
    """The teams with the most exceptions (so that a team manager's pages show something)."""
    named = Counter(exceptions(snapshot)["team"].drop_null().to_pylist())
    by_name = {team.name: team for team in teams(snapshot) if team.service_area_id}
    ranked = [by_name[name] for name, _ in named.most_common() if name in by_name]
    if len(ranked) < count:
        raise ValueError(f"the snapshot names fewer than {count} teams with exceptions")
    return ranked[:count]


@transaction.atomic
def create_accounts(snapshot: Snapshot) -> list[Account]:
    """Create (or reset) the demonstration accounts against this snapshot's teams."""
    first, second = _busiest_teams(snapshot, 2)
    plan: list[tuple[Role, str, list[str], list[str]]] = [
        (Role.ADMINISTRATOR, "demo-administrator", [], []),
        (Role.ANALYST, "demo-analyst", [], []),
        (Role.SENIOR_LEADER, "demo-senior-leader", [], []),
        (Role.HEAD_OF_SERVICE, "demo-head-of-service", [], [first.service_area_id]),
        (Role.TEAM_MANAGER, "demo-team-manager-1", [first.id], []),
        (Role.TEAM_MANAGER, "demo-team-manager-2", [second.id], []),
        (Role.QA_LEAD, "demo-qa-lead", [], []),
        (Role.DPO, "demo-dpo", [], []),
        (Role.BOARD_MEMBER, "demo-board-member", [], []),
        (Role.ELECTED_MEMBER, "demo-elected-member", [], []),
    ]
    accounts = []
    for role, username, team_ids, service_areas in plan:
        password = secrets.token_urlsafe(12)
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_active = True
        user.is_staff = role == Role.ADMINISTRATOR
        user.save()
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "role": role.value,
                "teams": team_ids,
                "service_areas": service_areas,
                "otp_exempt": True,
            },
        )
        accounts.append(Account(role, username, password))
    return accounts
