"""The children: `ssd_person`, `ssd_disability` and `ssd_immigration_status`.

Made-up names and identifiers (see `names`); sex, ethnicity, disability and SEND in proportions that look
like an English county. Unaccompanied asylum-seeking children have a nationality, no UPN (UN2) and an
immigration status of UASC until their 18th birthday.

Must not import anything from clearsight except `synth` modules.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clearsight.synth import columns as col
from clearsight.synth import names
from clearsight.synth.context import Context
from clearsight.synth.timing import FAR, YEAR, birthday

ETHNICITIES = (
    "WBRI",
    "WIRI",
    "WIRT",
    "WOTH",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "REFU",
    "NOBT",
)
_ETHNIC_WEIGHTS = np.array([70, 0.5, 0.5, 4, 0.5, 2.5, 1, 1.5, 2, 2, 3, 1, 1, 1, 2, 0.5, 0.5, 1, 0.5, 2.5])
_UASC_ETHNICITIES = ("AOTH", "BAFR", "OOTH", "WOTH")
_UASC_NATIONALITIES = ("Afghanistan", "Eritrea", "Sudan", "Iran", "Syria", "Vietnam", "Albania", "Iraq")
DISABILITIES = ("MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA")
_DISABILITY_WEIGHTS = np.array([6, 2, 3, 2, 12, 18, 4, 3, 20, 1, 25, 4], dtype=float)


def person_tables(ctx: Context) -> dict[str, pa.Table]:
    """`ssd_person`, `ssd_disability` and `ssd_immigration_status` for every person in the context."""
    rng = ctx.rng("people")
    a = ctx.clock.as_at
    n = ctx.dob.size
    j = ctx.journeys
    uasc = np.zeros(n, dtype=bool)
    uasc[j.person[j.uasc]] = True
    sex = rng.choice(3, size=n, p=(0.51, 0.485, 0.005))
    female = sex == 1
    ethnicity = rng.choice(len(ETHNICITIES), size=n, p=_ETHNIC_WEIGHTS / _ETHNIC_WEIGHTS.sum())
    uasc_ethnicity = np.array([ETHNICITIES.index(e) for e in _UASC_ETHNICITIES])[rng.integers(0, 4, n)]
    ethnicity = np.where(uasc, uasc_ethnicity, ethnicity)
    age = (a - ctx.dob) / YEAR
    young = age < 4
    unknown = np.select([uasc, young], [1, 0], 2)  # UN2, UN1, none
    upns = names.upns(rng, n)
    person = col.table(
        "ssd_person",
        {
            "pers_person_id": ctx.person_ids,
            "pers_forename": names.forenames(rng, female),
            "pers_surname": names.surnames(rng, n),
            "pers_sex": col.pick(("M", "F", "U"), sex),
            "pers_gender": col.pick(("M", "F", "U"), sex),
            "pers_ethnicity": col.pick(ETHNICITIES, ethnicity),
            "pers_dob": col.dates(ctx.dob),
            "pers_common_child_id": names.nhs_numbers(rng, n),
            "pers_upn_unknown": col.pick(("UN1", "UN2", None), unknown),
            "pers_send_flag": col.flags(rng.random(n) < 0.15),
            "pers_is_mother": col.flags(female & (age >= 15) & (rng.random(n) < 0.03)),
            "pers_nationality": col.pick(
                (*_UASC_NATIONALITIES, None), np.where(uasc, rng.integers(0, 8, n), 8)
            ),
            "pers_upn": pc.if_else(pa.array(unknown < 2), pa.scalar(None, pa.string()), upns),
        },
    )
    return {
        "ssd_person": person,
        "ssd_disability": _disability(rng, ctx),
        "ssd_immigration_status": _immigration(ctx),
    }


def _disability(rng, ctx: Context) -> pa.Table:
    """One row per recorded disability; children with none have a NONE row (formats.md A.4)."""
    n = ctx.dob.size
    count = np.where(rng.random(n) < 0.08, rng.integers(1, 3, n), 0)
    person = np.repeat(np.arange(n), np.maximum(count, 1))
    code = rng.choice(len(DISABILITIES), size=person.size, p=_DISABILITY_WEIGHTS / _DISABILITY_WEIGHTS.sum())
    code = np.where(np.repeat(count, np.maximum(count, 1)) == 0, len(DISABILITIES), code)
    first = np.r_[True, person[1:] != person[:-1]]
    code = np.where(~first & (code == np.r_[-1, code[:-1]]), (code + 1) % len(DISABILITIES), code)
    return col.table(
        "ssd_disability",
        {
            "disa_person_id": col.take(ctx.person_ids, person),
            "disa_table_id": col.ids("DI", person.size),
            "disa_disability_code": col.pick((*DISABILITIES, "NONE"), code),
        },
    )


def _immigration(ctx: Context) -> pa.Table:
    """UASC status from the child's first referral until their 18th birthday."""
    j = ctx.journeys
    first = np.flatnonzero(j.uasc & np.r_[True, j.person[1:] != j.person[:-1]])
    person = j.person[first]
    end = birthday(ctx.dob[person], 18)
    return col.table(
        "ssd_immigration_status",
        {
            "immi_person_id": col.take(ctx.person_ids, person),
            "immi_immigration_status_id": col.ids("IM", person.size),
            "immi_immigration_status": col.pick(("UASC",), np.zeros(person.size, np.int64)),
            "immi_immigration_status_start_date": col.dates(j.referral[first]),
            "immi_immigration_status_end_date": col.dates(np.where(end <= ctx.clock.as_at, end, FAR)),
        },
    )
