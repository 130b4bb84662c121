"""Fingerprints of source files — name, size and SHA-256 — taken once when a file is read.

Readers record them for provenance (formats.md §2.7) and the warehouse writes them into the
manifest, so each file is hashed once. Must not import anything else from clearsight.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

_BLOCK = 1 << 20


@dataclass(frozen=True)
class SourceFile:
    """A source file as a manifest records it: its name (not its full path), size and SHA-256."""

    name: str
    size: int
    sha256: str


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file's bytes, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def describe_source(path: str | os.PathLike[str]) -> SourceFile:
    """Name, size and SHA-256 of a file. Raises OSError if it cannot be read."""
    path = Path(path)
    return SourceFile(path.name, path.stat().st_size, sha256_file(path))
