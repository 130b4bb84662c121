"""A publish killed (SIGKILL) at any point leaves the previous snapshot whole and current.

A child process publishes ~300,000 rows and prints each progress stage; the test kills it at a
chosen stage, then checks the previous snapshot's files, the listing, and that the next publish
succeeds and removes the debris. Every wait has a timeout.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from warehouse_data import AS_AT, file_hashes, model_tables, temp_folders

from clearsight.model import TABLES
from clearsight.warehouse import (
    STAGE_MANIFEST,
    STAGE_PUBLISHED,
    STAGE_SOURCES,
    STAGE_TABLES,
    latest_snapshot,
    list_snapshots,
    publish,
)

CHILD = Path(__file__).with_name("publish_child.py")
FILES = len(TABLES) + 2
STARTUP_TIMEOUT = 30.0  # seconds for the child to import, build its tables and reach the stop
KILL_TIMEOUT = 10.0


def _lines(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line.rstrip("\n"))
    into.put(None)


def _run_and_kill(root: Path, source: Path, stage: str, done: str, mode: str) -> list[str]:
    """Start the child, SIGKILL it as soon as it reports the stop, and return what it printed."""
    command = [sys.executable, str(CHILD), str(root), "926", str(source), stage, done, mode]
    errors = source.with_name("child-stderr.txt")
    with open(errors, "w") as stderr:
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_lines, args=(child.stdout, lines), daemon=True).start()
    printed = []
    deadline = time.monotonic() + STARTUP_TIMEOUT
    try:
        while True:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            if line is None:
                pytest.fail(f"the child ended before the stop: {printed}\n{errors.read_text()}")
            printed.append(line)
            if line == "stopped":
                break
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=KILL_TIMEOUT) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=KILL_TIMEOUT)
        child.stdout.close()
    return printed


@pytest.mark.parametrize(
    ("stage", "done", "mode", "leaves_temp"),
    [
        pytest.param(STAGE_SOURCES, "1", "pause", False, id="after-hashing-sources"),
        pytest.param(STAGE_TABLES, "0", "pause", True, id="before-the-first-table"),
        pytest.param(STAGE_TABLES, "1", "run", True, id="while-writing-the-second-table"),
        pytest.param(STAGE_TABLES, str(FILES // 2), "pause", True, id="half-way-through-the-tables"),
        pytest.param(STAGE_TABLES, "all", "pause", True, id="before-the-manifest"),
        pytest.param(STAGE_MANIFEST, "1", "pause", True, id="after-the-manifest-before-the-rename"),
    ],
)
def test_a_killed_publish_leaves_the_previous_snapshot_current(
    root: Path, tmp_path: Path, stage: str, done: str, mode: str, leaves_temp: bool
) -> None:
    previous = publish(root, "926", AS_AT, model_tables(2_000))
    hashes = file_hashes(previous.path)
    source = tmp_path / "extract.csv"
    source.write_text("pers_person_id\n1\n")

    printed = _run_and_kill(root, source, stage, done, mode)

    assert "finished" not in printed
    assert bool(temp_folders(root)) == leaves_temp
    assert list_snapshots(root, "926") == [previous]
    assert latest_snapshot(root) == previous
    assert file_hashes(previous.path) == hashes

    following = publish(root, "926", AS_AT, model_tables(2_000, seed=1))
    assert temp_folders(root) == []
    assert list_snapshots(root, "926") == [previous, following]
    assert latest_snapshot(root) == following
    assert file_hashes(previous.path) == hashes


def test_a_publish_killed_after_the_rename_is_complete_and_latest(root: Path, tmp_path: Path) -> None:
    previous = publish(root, "926", AS_AT, model_tables(2_000))
    source = tmp_path / "extract.csv"
    source.write_text("pers_person_id\n1\n")

    _run_and_kill(root, source, STAGE_PUBLISHED, "1", "pause")

    snapshots = list_snapshots(root, "926")
    assert len(snapshots) == 2 and snapshots[0] == previous
    killed = snapshots[1]
    assert latest_snapshot(root) == killed
    assert sum(killed.manifest["row_counts"].values()) == 300_000 // len(TABLES) * len(TABLES)
    assert temp_folders(root) == []
