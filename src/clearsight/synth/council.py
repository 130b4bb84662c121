"""One synthetic council: every canonical table, made in dependency order from a single seed.

Must not import anything from clearsight except `clearsight.model` and `synth` modules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from clearsight.model import TABLES
from clearsight.synth import (
    allocation,
    care,
    care_events,
    care_leavers,
    children_in_need,
    front_door,
    journeys,
    people,
    permanence,
    population,
    protection,
    quality,
    workforce,
)
from clearsight.synth import columns as col
from clearsight.synth.context import Context
from clearsight.synth.rates import PlantedRates
from clearsight.synth.timing import Clock

Progress = Callable[[str, int, int], None]
_STAGES = ("journeys", "people", "front door", "protection", "care", "care leavers", "quality")


@dataclass
class Council:
    """A generated council: its LA code, as-at date and every model table (empty ones included)."""

    la_code: str
    as_at: dt.date
    tables: dict[str, pa.Table]


def build(
    la_code: str,
    scale: float,
    seed: np.random.SeedSequence,
    as_at: dt.date,
    rates: PlantedRates,
    progress: Progress | None = None,
) -> Council:
    """Make one council of the given scale (1.0 = county)."""
    report = progress or (lambda stage, done, total: None)
    stages = iter(enumerate(_STAGES))

    def step() -> None:
        done, stage = next(stages)
        report(stage, done, len(_STAGES))

    step()
    clock = Clock(as_at)
    root = np.random.Generator(np.random.PCG64(seed))
    staff = workforce.build(root, scale)
    ctx = Context(
        seed=seed,
        la_code=la_code,
        clock=clock,
        scale=scale,
        rates=rates,
        journeys=journeys.simulate(root, clock, scale, rates),
        workforce=staff,
    )
    step()
    contacts = front_door.plan_contacts(ctx)
    ctx.dob = np.concatenate([ctx.journeys.dob, contacts.extra_dob])
    ctx.person_ids = col.ids("P", ctx.dob.size)
    ctx.referral_ids = col.ids("R", len(ctx.journeys))
    tables = people.person_tables(ctx)
    alloc = allocation.allocate(ctx)
    step()
    tables["ssd_contacts"] = front_door.contacts_table(ctx, contacts)
    tables["ssd_early_help_episodes"] = front_door.early_help_table(ctx, contacts)
    tables["ssd_cin_episodes"] = front_door.referrals_table(ctx, alloc, contacts)
    tables["ssd_cin_assessments"], tables["ssd_assessment_factors"] = front_door.assessment_tables(ctx, alloc)
    step()
    tables.update(protection.protection_tables(ctx, alloc))
    tables.update(children_in_need.cin_tables(ctx, alloc))
    step()
    periods = care.build(ctx)
    events, last_review = care_events.event_tables(ctx, periods)
    tables.update(events)
    tables.update(care.care_tables(ctx, periods, last_review))
    tables.update(permanence.permanence_tables(ctx, periods))
    step()
    tables["ssd_care_leavers"] = care_leavers.care_leavers_table(ctx)
    step()
    tables["ext_supervision"] = quality.supervision_table(ctx, alloc)
    tables["ext_case_audit"] = quality.audit_table(ctx, alloc)
    tables["ext_population"] = population.population_table(ctx.rng("population"), scale)
    tables["ssd_involvements"] = alloc.table(ctx)
    caseload = np.bincount(alloc.worker[alloc.open_at(clock.as_at)], minlength=len(staff.staff_ids))
    tables["ssd_professionals"] = staff.professionals(caseload)
    tables["ssd_department"] = staff.department
    report("done", len(_STAGES), len(_STAGES))
    return Council(la_code, as_at, {name: tables.get(name, TABLES[name].empty()) for name in TABLES})
