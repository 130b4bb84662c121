"""The council's published snapshots and their manifests, laid out for people to read (through the core's
warehouse and the stored results; nothing here writes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from clearsight.indicators import store
from clearsight.model.issues import SEVERITIES
from clearsight.warehouse import Snapshot, WarehouseError, list_snapshots, open_snapshot
from clearsight.web import snapshots

FORMAT_NAMES = {"annex_a": "Ofsted Annex A", "ssda903": "SSDA903", "cin": "CIN census", "ssd": "SSD extract"}


def served_council() -> str | None:
    """The council the app serves (`CLEARSIGHT_LA`, else the only one with snapshots), or None."""
    snapshot = snapshots.current()
    return settings.CLEARSIGHT_LA or (snapshot.la_code if snapshot else None)


def newest_first() -> list[Snapshot]:
    """The served council's snapshots (every council's, when the root holds several and none is named)."""
    try:
        return list_snapshots(settings.CLEARSIGHT_DATA, settings.CLEARSIGHT_LA)[::-1]
    except WarehouseError:
        return []


def find(snapshot_id: str) -> Snapshot | None:
    return next((s for s in newest_first() if s.id == snapshot_id), None)


@dataclass(frozen=True)
class Listed:
    """A snapshot with what its manifest says, as the pages show it."""

    snapshot: Snapshot

    @property
    def created(self) -> dt.datetime:
        """When it was published, as an aware datetime (the manifest keeps UTC, ISO 8601)."""
        return dt.datetime.fromisoformat(self.snapshot.created.replace("Z", "+00:00"))

    @property
    def rows(self) -> int:
        return sum(self.snapshot.manifest["row_counts"].values())

    @property
    def issues(self) -> dict[str, int]:
        return {severity: self.snapshot.manifest["issue_counts"].get(severity, 0) for severity in SEVERITIES}


@dataclass(frozen=True)
class Source:
    name: str
    format: str
    size: int
    sha256: str


def sources(snapshot: Snapshot) -> list[Source]:
    """The manifest's source files, each with the format its rows were read as (from the provenance)."""
    with open_snapshot(snapshot) as connection:
        formats = dict(
            connection.execute("SELECT DISTINCT source_sha256, source_format FROM provenance").fetchall()
        )
    return [
        Source(s["name"], FORMAT_NAMES.get(formats.get(s["sha256"]), "not recorded"), s["size"], s["sha256"])
        for s in snapshot.manifest["sources"]
    ]


def config_versions(snapshot: Snapshot) -> list[str]:
    """The council configuration(s) its indicator results were computed under (none without results)."""
    if not store.has_results(snapshot):
        return []
    return sorted(set(snapshots.results(snapshot).values["config_version"].drop_null().to_pylist()))
