"""Deterministic row ids for sources that carry none (formats.md §2.3).

Every SSD primary key a statutory format lacks is a hash of `la_code | person | table | natural key`,
so loading the same extract again gives the same ids.
"""

from __future__ import annotations

import hashlib

import pyarrow as pa
import pyarrow.compute as pc

ID_LENGTH = 16  # hex characters: 64 bits, ample for one council's rows


def derive_ids(la_code: str, table: str, *parts: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One id per row from the row's natural-key columns (person first); nulls hash as empty text."""
    if not parts:
        raise ValueError("derive_ids needs at least the person column")
    texts = [pc.cast(p, pa.string()).fill_null("") for p in parts]
    joined = pc.binary_join_element_wise(*texts, "|").to_pylist()
    prefix = f"{la_code}|{table}|"
    return pa.array(
        [hashlib.blake2b((prefix + key).encode(), digest_size=ID_LENGTH // 2).hexdigest() for key in joined],
        pa.string(),
    )
