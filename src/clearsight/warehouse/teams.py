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
