"""A council's teams and service areas (`ssd_department`), and the teams a child is allocated to at a
snapshot's as-at date (`ssd_involvements`): what the web's team scopes are checked against. Must not
import Django."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from clearsight.warehouse.catalog import Snapshot
from clearsight.warehouse.session import read_parquet


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    service_area_id: str | None
    service_area_name: str | None


def teams(snapshot: Snapshot) -> list[Team]:
    """Every department of the snapshot, by name: teams with their service area (the parent department),
    and the service areas themselves (no parent)."""
    rows = read_parquet(
        snapshot.file("ssd_department"),
        ["dept_team_id", "dept_team_name", "dept_team_parent_id", "dept_team_parent_name"],
    ).to_pylist()
    found = [
        Team(
            row["dept_team_id"],
            row["dept_team_name"] or row["dept_team_id"],
            row["dept_team_parent_id"],
            row["dept_team_parent_name"],
        )
        for row in rows
        if row["dept_team_id"]
    ]
    return sorted(found, key=lambda team: (team.name, team.id))


def allocated_team_ids(snapshot: Snapshot, child_id: str) -> set[str]:
    """The teams of the child's involvements open at the as-at date, of any role (D1's open-at test): every
    team working with the child, not only the allocated worker's (indicators.md D7)."""
    with duckdb.connect() as con:
        rows = con.execute(
            "SELECT DISTINCT invo_professional_team FROM read_parquet(?) "
            "WHERE invo_person_id = ? AND invo_professional_team IS NOT NULL "
            "AND CAST(invo_involvement_start_date AS DATE) <= ? "
            "AND (invo_involvement_end_date IS NULL OR CAST(invo_involvement_end_date AS DATE) > ?)",
            [str(snapshot.file("ssd_involvements")), child_id, snapshot.as_at, snapshot.as_at],
        ).fetchall()
    return {row[0] for row in rows}


@dataclass(frozen=True)
class Caseload:
    """One worker's children: those whose allocated worker they are at the as-at date (D7)."""

    worker_id: str
    worker_name: str
    children: tuple[str, ...]


# indicators.md D7 at the as-at date ($4): each child's allocated worker is their involvement open then
# (D1), of an allocated-worker role ($3, lower-cased and trimmed), whose worker is in ssd_professionals,
# with the latest start, then the highest involvement id; its team is that involvement's.
_CASELOADS = """
WITH professionals AS (
    SELECT prof_professional_id AS worker_id, any_value(prof_professional_name) AS worker_name
    FROM read_parquet($2) WHERE prof_professional_id IS NOT NULL GROUP BY ALL
),
allocated AS (
    SELECT invo_person_id AS child_id, invo_professional_id AS worker_id, invo_professional_team AS team_id
    FROM read_parquet($1)
    WHERE invo_person_id IS NOT NULL
      AND lower(trim(invo_professional_role_id)) IN (SELECT unnest($3::VARCHAR[]))
      AND invo_professional_id IN (SELECT worker_id FROM professionals)
      AND CAST(invo_involvement_start_date AS DATE) <= $4
      AND (invo_involvement_end_date IS NULL OR CAST(invo_involvement_end_date AS DATE) > $4)
    QUALIFY row_number() OVER (
        PARTITION BY invo_person_id ORDER BY invo_involvement_start_date DESC, invo_involvements_id DESC
    ) = 1
)
SELECT a.worker_id, p.worker_name, list(DISTINCT a.child_id ORDER BY a.child_id)
FROM allocated a JOIN professionals p USING (worker_id)
WHERE a.team_id = $5
GROUP BY ALL
ORDER BY p.worker_name NULLS LAST, a.worker_id
"""


def caseloads(snapshot: Snapshot, team_id: str, worker_roles: list[str]) -> list[Caseload]:
    """Each worker's caseload in one team at the as-at date, by worker name: the children whose allocated
    worker (indicators.md D7, with `worker_roles` the council's allocation.worker_roles) is that worker,
    on an involvement of this team."""
    with duckdb.connect() as con:
        rows = con.execute(
            _CASELOADS,
            [
                str(snapshot.file("ssd_involvements")),
                str(snapshot.file("ssd_professionals")),
                [role.strip().lower() for role in worker_roles],
                snapshot.as_at,
                team_id,
            ],
        ).fetchall()
    return [Caseload(worker_id, name or worker_id, tuple(children)) for worker_id, name, children in rows]
