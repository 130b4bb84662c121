"""Periods in care: placements, legal statuses and the 903-style episodes they make (`ssd_cla_*`).

A period of care (`clae_cla_id`) has one or more placements and legal statuses; as in the SSDA903, an
episode ends at any change of either (formats.md §4.13), with reason X1 while the period continues and
the reason care ceased at its end. Legal routes follow how the child leaves: accommodation under s20
(V2), an interim then full care order (C1, C2), a placement order (E1) before adoption, police
protection or an EPO (L1, L2) first in an emergency. Children with a care order are sometimes placed
with parents (P1) before going home; children to be adopted move to an adoptive placement (A5/A6).

Placements and statuses are made period by period (a few thousand at county scale) from random numbers
drawn in one block per period.

Must not import anything from clearsight except `synth` modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from clearsight.synth import columns as col
from clearsight.synth.context import Context
from clearsight.synth.journeys import ADOPTED, AGE18, CAO, HOME, INDEPENDENT, SGO
from clearsight.synth.timing import FAR, YEAR

_EXIT_CODES = {
    HOME: (("E4A", "E4B", "E13"), (0.8, 0.1, 0.1)),
    ADOPTED: (("E11", "E12"), (0.6, 0.4)),
    SGO: (("E45", "E46", "E47", "E48"), (0.3, 0.4, 0.2, 0.1)),
    CAO: (("E41",), (1.0,)),
    AGE18: (("E17", "E5", "E6", "E8"), (0.25, 0.4, 0.1, 0.25)),
    INDEPENDENT: (("E5", "E6"), (0.7, 0.3)),
}
_MOVE_REASONS = ("CARPL", "CREQB", "CREQO", "CHILD", "STAND", "ALLEG", "LAREQ", "CLOSE", "OTHER")
_MOVE_WEIGHTS = np.cumsum([0.35, 0.2, 0.12, 0.08, 0.05, 0.03, 0.07, 0.05, 0.05])
_PROVIDER = {
    "U1": "PR1",
    "U2": "PR1",
    "U3": "PR1",
    "U4": "PR1",
    "U5": "PR1",
    "U6": "PR1",
    "K2": "PR4",
    "P1": "PR0",
    "A5": "PR1",
    "A6": "PR2",
}
_DRAWS = 48  # random numbers drawn per period
_VOLUNTARY = {HOME: 0.6, AGE18: 0.3}  # chance of s20 accommodation (V2) rather than a care order


@dataclass
class CarePeriods:
    """Periods in care and their placements, legal statuses and episodes, as parallel arrays.

    Period arrays are indexed by period number; each row of the others names its `*_period`.
    Ends are FAR while open. `placed_for_adoption` and `placement_order` are FAR where none.
    """

    ref: np.ndarray
    person: np.ndarray
    start: np.ndarray
    end: np.ndarray
    exit: np.ndarray
    placement_order: np.ndarray
    placed_for_adoption: np.ndarray
    ids: pa.Array
    place_period: np.ndarray
    place_start: np.ndarray
    place_end: np.ndarray
    place_type: np.ndarray  # codes, as a numpy array of str
    place_reason: np.ndarray  # reason the placement ended ("" while it continues or for the last one)
    place_ids: pa.Array
    legal_period: np.ndarray
    legal_code: np.ndarray
    legal_start: np.ndarray
    legal_end: np.ndarray
    episode_period: np.ndarray
    episode_start: np.ndarray
    episode_end: np.ndarray
    episode_reason: np.ndarray  # RNE
    episode_ceased: np.ndarray  # REC, "" while open
    episode_place: np.ndarray


def build(ctx: Context) -> CarePeriods:
    """Every period in care of the journeys, with its placements, legal statuses and episodes."""
    rng = ctx.rng("care")
    j, a = ctx.journeys, ctx.clock.as_at
    rows = np.flatnonzero(j.cla)
    draws = rng.random((rows.size, _DRAWS))
    places, legals, episodes = [], [], []
    order_date = np.full(rows.size, FAR)
    adoptive = np.full(rows.size, FAR)
    for p, r in enumerate(rows):
        u = iter(draws[p])
        start, end = int(j.c0[r]), int(j.c1[r])
        until = min(end, a)
        age = (start - ctx.dob[j.person[r]]) / YEAR
        legal = _legal(
            u, start, until, int(j.cla_exit[r]), bool(j.uasc[r]), bool(j.cla_emergency[r] or j.cla_from_cp[r])
        )
        order_date[p] = next((s for code, s in legal if code == "E1"), FAR)
        place = _placements(u, start, until, age, int(j.cla_exit[r]), bool(j.uasc[r]), legal, order_date[p])
        adoptive[p] = next((s for code, s, _ in place if code in ("A5", "A6")), FAR)
        places.extend((p, *x) for x in place)
        legals.extend((p, code, s) for code, s in legal)
        episodes.extend((p, *e) for e in _episodes(u, legal, place, end, int(j.cla_exit[r])))
    return _assemble(ctx, rows, places, legals, episodes, order_date, adoptive)


def _legal(u, start: int, until: int, exit_kind: int, uasc: bool, court: bool) -> list[tuple[str, int]]:
    """Legal statuses of one period: (code, start day), in order."""
    statuses: list[tuple[str, int]] = []
    day = start
    if court and not uasc and next(u) < 0.3:
        statuses.append(("L2" if next(u) < 0.4 else "L1", day))
        day += 1 + int(next(u) * 8)
    voluntary = uasc or exit_kind == INDEPENDENT or (not court and next(u) < _VOLUNTARY.get(exit_kind, 0.0))
    if voluntary:
        statuses.append(("V2", day))
    else:
        statuses.append(("C1", day))
        if exit_kind == ADOPTED:
            statuses.append(("E1", day + 180 + int(next(u) * 150)))
        else:
            statuses.append(("C2", day + 120 + int(next(u) * 180)))
    return [(code, s) for code, s in statuses if s < until or s == start]


def _placements(u, start, until, age, exit_kind, uasc, legal, order_date) -> list[tuple[str, int, str]]:
    """Placements of one period: (type, start day, reason it ended), in order."""
    years = (until - start) / YEAR
    moves = min(int(-np.log(1 - next(u)) * years * 0.45 + next(u) * 0.5), 4)
    span = max(until - start - 21, 0)
    days = sorted({start + 14 + int(next(u) * span) for _ in range(moves)} if span else set())
    kinds = []
    for i, day in enumerate([start, *days]):
        teen, settled = age + (day - start) / YEAR >= 12, day - start > YEAR and exit_kind == AGE18
        x = next(u)
        if uasc:
            kinds.append("K2" if x < 0.3 else "U6")
        elif settled:
            kinds.append("U4" if x < 0.45 else "U1" if x < 0.6 else "K2" if x < 0.8 and teen else "U6")
        else:
            kinds.append("K2" if teen and x < 0.25 else "U3" if x < 0.45 else "U5" if x < 0.47 else "U6")
        if i == 0 and not uasc and x > 0.97:
            kinds[-1] = "U2"
    places = list(zip(kinds, [start, *days], strict=True))
    c2 = next((s for code, s in legal if code == "C2"), None)
    if exit_kind == ADOPTED and order_date < FAR:
        placed = order_date + 60 + int(next(u) * 140)
        if placed < until:
            places = [p for p in places if p[1] < placed] + [("A5" if next(u) < 0.2 else "A6", placed)]
    elif c2 is not None and next(u) < (0.35 if exit_kind == HOME else 0.08):
        home = max(c2 + 30 + int(next(u) * 170), places[-1][1] + 14)
        if home < until - 14:
            places.append(("P1", home))
    reasons = [_MOVE_REASONS[int(np.searchsorted(_MOVE_WEIGHTS, next(u)))] for _ in places[1:]]
    return [(kind, day, reason) for (kind, day), reason in zip(places, [*reasons, ""], strict=True)]


def _episodes(u, legal, place, end: int, exit_kind: int):
    """903 episodes: a new one at every change of legal status or placement. Yields
    (start, end, RNE, REC, placement number within the period)."""
    changes = sorted({s for _, s in legal} | {s for _, s, _ in place})
    codes, weights = _EXIT_CODES[exit_kind]
    final = codes[int(np.searchsorted(np.cumsum(weights), next(u) * 0.999999))] if end < FAR else ""
    legal_days, place_days = {s for _, s in legal}, [s for _, s, _ in place]
    for k, day in enumerate(changes):
        now = int(np.searchsorted(place_days, day, side="right")) - 1
        if k == 0:
            reason = "S"
        else:
            reason = {(True, True): "B", (True, False): "L", (False, True): "P"}[
                (day in legal_days, day in place_days)
            ]
        last = k == len(changes) - 1
        yield day, (end if last else changes[k + 1]), reason, (final if last else "X1"), now


def _assemble(ctx, rows, places, legals, episodes, order_date, adoptive) -> CarePeriods:
    j = ctx.journeys
    period_end = j.c1[rows]
    p_period, p_type, p_start, p_reason = (np.array(x) for x in zip(*places, strict=True))
    p_end = np.r_[p_start[1:], 0]
    last = np.r_[p_period[1:] != p_period[:-1], True]
    p_end = np.where(last, period_end[p_period], p_end)
    first_place = np.searchsorted(p_period, np.arange(rows.size))
    l_period, l_code, l_start = (np.array(x) for x in zip(*legals, strict=True))
    l_last = np.r_[l_period[1:] != l_period[:-1], True]
    l_end = np.where(l_last, period_end[l_period], np.r_[l_start[1:], 0])
    e_period, e_start, e_end, e_reason, e_ceased, e_place = (np.array(x) for x in zip(*episodes, strict=True))
    return CarePeriods(
        ref=rows,
        person=j.person[rows],
        start=j.c0[rows],
        end=period_end,
        exit=j.cla_exit[rows],
        placement_order=order_date,
        placed_for_adoption=adoptive,
        ids=col.ids("LA", rows.size),
        place_period=p_period,
        place_start=p_start,
        place_end=p_end,
        place_type=p_type,
        place_reason=p_reason,
        place_ids=col.ids("PL", p_period.size),
        legal_period=l_period,
        legal_code=l_code,
        legal_start=l_start,
        legal_end=l_end,
        episode_period=e_period,
        episode_start=e_start,
        episode_end=e_end,
        episode_reason=e_reason,
        episode_ceased=e_ceased,
        episode_place=first_place[e_period] + e_place,
    )


def care_tables(ctx: Context, care: CarePeriods, last_iro_contact: np.ndarray) -> dict[str, pa.Table]:
    """`ssd_cla_episodes`, `ssd_cla_placement` and `ssd_legal_status`.

    `last_iro_contact` is each period's latest review date by as_at (FAR if none), written on its
    episodes open at as_at.
    """
    rng = ctx.rng("care tables")
    j = ctx.journeys
    n_places = care.place_period.size
    kind = care.place_type
    residential = kind == "K2"
    urn = np.where(residential, rng.integers(500_000, 600_000, n_places), -1)
    distance = np.round(
        np.where(residential, rng.uniform(5, 80, n_places), rng.uniform(0.5, 25, n_places)), 1
    )
    postcode = [
        f"ZZ{a} {b}{c}"
        for a, b, c in zip(
            rng.integers(1, 40, n_places),
            rng.integers(1, 10, n_places),
            np.array(["AB", "CD", "EF", "GH", "JK"])[rng.integers(0, 5, n_places)],
            strict=True,
        )
    ]
    provider = np.array([_PROVIDER.get(k, "PR1") for k in kind])
    provider = np.where(residential & (rng.random(n_places) < 0.3), "PR1", provider)
    provider = np.where(np.isin(kind, ("U4", "U5", "U6")) & (rng.random(n_places) < 0.4), "PR4", provider)
    need = np.where(
        j.uasc[care.ref],
        "N8",
        np.where(
            rng.random(care.ref.size) < 0.6,
            "N1",
            np.array(["N2", "N3", "N4", "N5", "N6", "N7", "N8"])[rng.integers(0, 7, care.ref.size)],
        ),
    )
    e = care.episode_period
    open_now = care.episode_end >= FAR
    return {
        "ssd_cla_episodes": col.table(
            "ssd_cla_episodes",
            {
                "clae_cla_episode_id": col.ids("E", e.size),
                "clae_person_id": col.take(ctx.person_ids, care.person[e]),
                "clae_cla_episode_start_date": col.dates(care.episode_start),
                "clae_cla_episode_start_reason": care.episode_reason.tolist(),
                "clae_cla_primary_need_code": need[e].tolist(),
                "clae_cla_episode_ceased_date": col.dates(care.episode_end),
                "clae_cla_episode_ceased_reason": [c or None for c in care.episode_ceased.tolist()],
                "clae_cla_id": col.take(care.ids, e),
                "clae_referral_id": col.take(ctx.referral_ids, care.ref[e]),
                "clae_cla_placement_id": col.take(care.place_ids, care.episode_place),
                "clae_entered_care_date": col.dates(care.start[e]),
                "clae_cla_last_iro_contact_date": col.dates(np.where(open_now, last_iro_contact[e], FAR)),
            },
        ),
        "ssd_cla_placement": col.table(
            "ssd_cla_placement",
            {
                "clap_cla_placement_id": care.place_ids,
                "clap_cla_placement_start_date": col.dates(care.place_start),
                "clap_cla_placement_type": kind.tolist(),
                "clap_cla_placement_urn": [f"SC{u}" if u >= 0 else None for u in urn.tolist()],
                "clap_cla_placement_distance": distance,
                "clap_cla_id": col.take(care.ids, care.place_period),
                "clap_cla_placement_provider": provider.tolist(),
                "clap_cla_placement_postcode": postcode,
                "clap_cla_placement_end_date": col.dates(care.place_end),
                "clap_cla_placement_change_reason": [r or None for r in care.place_reason.tolist()],
                "clap_person_id": col.take(ctx.person_ids, care.person[care.place_period]),
            },
        ),
        "ssd_legal_status": col.table(
            "ssd_legal_status",
            {
                "lega_legal_status_id": col.ids("LS", care.legal_period.size),
                "lega_person_id": col.take(ctx.person_ids, care.person[care.legal_period]),
                "lega_legal_status": care.legal_code.tolist(),
                "lega_legal_status_start_date": col.dates(care.legal_start),
                "lega_legal_status_end_date": col.dates(care.legal_end),
            },
        ),
    }
