"""Allocated workers (`ssd_involvements`, role ALLOCATED_WORKER), with the planted unallocated children.

Each referral is held in up to three phases, each by a team of the matching kind in the child's area:
the front door (assessment team) until a plan or care starts, the plan (children in need and protection
team) and care (children in care team). Workers change now and then within a phase; the first
allocation's reason is FCONTA, a move between phases TSPROC. A planted share of the children with a
referral open at as_at have had no allocated worker since their last worker's involvement ended.

Must not import anything from clearsight except `synth` modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from clearsight.synth import columns as col
from clearsight.synth.context import Context, quota
from clearsight.synth.timing import FAR
from clearsight.synth.workforce import ASSESSMENT, IN_CARE, LOCALITY

ROLE = "ALLOCATED_WORKER"
_CHANGE_REASONS = ("LEFTRL", "MANAGE", "ABSENC", "ORGRST", "CHCHAN", "PCCHAN", "OTHERS")
_CHANGE_WEIGHTS = (0.40, 0.25, 0.10, 0.05, 0.03, 0.03, 0.14)
_REASONS = ("FCONTA", "TSPROC", *_CHANGE_REASONS)
_DAYS_PER_CHANGE = {ASSESSMENT: 200, LOCALITY: 300, IN_CARE: 360}
_KEY = 100_000  # day numbers stay below this, so person × _KEY + day sorts by person, then day


@dataclass
class Allocations:
    """Involvements sorted by person and start; `end` is FAR while open."""

    person: np.ndarray
    referral: np.ndarray
    worker: np.ndarray
    team: np.ndarray
    start: np.ndarray
    end: np.ndarray
    reason: np.ndarray

    def worker_at(self, person: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The worker allocated to each person on each day, else the last one before it (-1 if none)."""
        keys = self.person * _KEY + self.start
        index = np.searchsorted(keys, np.asarray(person) * _KEY + np.asarray(day), side="right") - 1
        found = (index >= 0) & (self.person[np.maximum(index, 0)] == person)
        return np.where(found, self.worker[np.maximum(index, 0)], -1)

    def open_at(self, day: int) -> np.ndarray:
        """Involvements open at the end of `day` (indicators.md D1)."""
        return (self.start <= day) & (self.end > day)

    def table(self, ctx: Context) -> pa.Table:
        """`ssd_involvements`."""
        staff = ctx.workforce
        return col.table(
            "ssd_involvements",
            {
                "invo_involvements_id": col.ids("I", self.person.size),
                "invo_professional_id": col.take(staff.staff_ids, self.worker),
                "invo_professional_role_id": col.pick((ROLE,), np.zeros(self.person.size, np.int64)),
                "invo_professional_team": col.take(staff.team_ids, self.team),
                "invo_involvement_start_date": col.dates(self.start),
                "invo_involvement_end_date": col.dates(self.end),
                "invo_worker_change_reason": col.pick(_REASONS, self.reason),
                "invo_person_id": col.take(ctx.person_ids, self.person),
                "invo_referral_id": col.take(ctx.referral_ids, self.referral),
            },
        )


def allocate(ctx: Context) -> Allocations:
    """Every involvement of every referral, with the planted unallocated children at as_at."""
    rng = ctx.rng("allocation")
    j = ctx.journeys
    area = rng.integers(0, 1_000_000, ctx.dob.size)
    plan = j.cp | j.cin
    plan_start = np.where(j.cp, j.cp0, j.ci0)
    front_end = np.select([plan, j.cla], [plan_start, j.c0], j.close)
    phases = [
        (np.ones(len(j), bool), j.referral, front_end, ASSESSMENT),
        (plan, plan_start, np.where(j.cla, j.c0, j.close), LOCALITY),
        (j.cla, j.c0, j.close, IN_CARE),
    ]
    parts = []
    for order, (has, start, end, kind) in enumerate(phases):
        refs = np.flatnonzero(has)
        parts.append(_segments(rng, ctx, refs, start[refs], end[refs], kind, area[j.person[refs]], order))
    person, referral, worker, team, start, end, reason = (np.concatenate(x) for x in zip(*parts, strict=True))
    order = np.lexsort((start, person))
    alloc = Allocations(
        person[order], referral[order], worker[order], team[order], start[order], end[order], reason[order]
    )
    _plant_unallocated(rng, ctx, alloc)
    return alloc


def _segments(rng, ctx: Context, refs, start, end, kind: int, area, phase_order: int):
    """One phase of each referral, cut where the worker changes; each piece has its worker and reason."""
    staff = ctx.workforce
    until = np.minimum(end, ctx.clock.as_at)
    length = np.maximum(until - start, 0)
    changes = np.minimum(rng.poisson(length / _DAYS_PER_CHANGE[kind]), 4)
    owner = np.repeat(np.arange(refs.size), changes)
    points = start[owner] + 1 + (rng.random(owner.size) * np.maximum(length[owner], 1)).astype(np.int64)
    points = np.minimum(points, np.maximum(until[owner], start[owner]))
    owner = np.concatenate([np.arange(refs.size), owner])
    begin = np.concatenate([start, points])
    order = np.lexsort((begin, owner))
    owner, begin = owner[order], begin[order]
    first = np.r_[True, owner[1:] != owner[:-1]]
    last = np.r_[owner[1:] != owner[:-1], True]
    finish = np.where(last, end[owner], np.r_[begin[1:], 0])
    teams = staff.teams(kind)
    team = teams[area[owner] % teams.size]
    worker = _workers(rng, staff.members(kind), staff.team_of(staff.members(kind)), team, first)
    changed = 2 + rng.choice(len(_CHANGE_REASONS), size=owner.size, p=_CHANGE_WEIGHTS)
    reason = np.where(first, 0 if phase_order == 0 else 1, changed)
    return ctx.journeys.person[refs[owner]], refs[owner], worker, team, begin, finish, reason


def _workers(rng, members: np.ndarray, member_team: np.ndarray, team: np.ndarray, first: np.ndarray):
    """A member of each piece's team: at random for the first piece of a phase, then a different one.

    Members are grouped by team; within a phase the choice walks round the team by a random step of
    1 to size-1, so consecutive workers always differ when the team has two or more members.
    """
    first_member = np.searchsorted(member_team, team)
    size = np.bincount(member_team, minlength=team.max() + 1)[team]
    step = np.where(
        first,
        rng.integers(0, 1 << 30, team.size),
        1 + rng.integers(0, 1 << 30, team.size) % np.maximum(size - 1, 1),
    )
    total = np.cumsum(step)
    phase_start = np.flatnonzero(first)
    offset = total - np.repeat(total[phase_start] - step[phase_start], np.diff(np.r_[phase_start, team.size]))
    return members[first_member + offset % size]


def _plant_unallocated(rng, ctx: Context, alloc: Allocations) -> None:
    """End the current involvement of a planted share of the children with a referral open at as_at."""
    j, a = ctx.journeys, ctx.clock.as_at
    open_referral = (j.close == FAR) & (j.referral <= a)
    chosen = np.flatnonzero(quota(rng, open_referral, ctx.rates.unallocated))
    current = np.flatnonzero(np.isin(alloc.referral, chosen) & alloc.open_at(a))
    room = np.minimum(90, a - alloc.start[current])
    alloc.end[current] = np.maximum(alloc.start[current], a - rng.integers(0, room + 1))
