"""Deterministic row ids for sources that carry none (formats.md §2.3).

Every SSD primary key a statutory format lacks is a hash of `la_code | table | natural key`, so loading the
same extract again gives the same ids.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ID_LENGTH = 16  # hex characters: 64 bits, ample for one council's rows

FNV_OFFSET = 0xCBF29CE484222325  # FNV-1a 64-bit offset basis
FNV_PRIME = 0x100000001B3  # FNV-1a 64-bit prime
_MASK = (1 << 64) - 1
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def derive_ids(la_code: str, table: str, *parts: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One id per row from the row's natural-key columns (person first); nulls hash as empty text.

    The id is the 64-bit FNV-1a hash of the UTF-8 bytes of `la_code|table|part1|part2|…` (each part cast
    to text, a null being empty text), written as 16 lower-case hex characters. FNV-1a starts from the
    offset basis 0xcbf29ce484222325 and, for each byte, xors the byte in and multiplies by the prime
    0x100000001b3 modulo 2**64. The algorithm is fixed here rather than taken from a library, so ids are
    stable across library versions; it is computed with numpy, one vectorised step per byte position.
    Ids are opaque: only their equality means anything.
    """
    if not parts:
        raise ValueError("derive_ids needs at least the person column")
    texts = [pc.cast(p, pa.string()).fill_null("") for p in parts]
    joined = pc.binary_join_element_wise(*texts, "|")
    if isinstance(joined, pa.ChunkedArray):
        joined = joined.combine_chunks()
    return _hex(_fnv1a(_fnv1a_text(f"{la_code}|{table}|".encode()), joined))


def _fnv1a_text(data: bytes, state: int = FNV_OFFSET) -> int:
    """FNV-1a 64 of a few bytes in plain Python (the prefix every row shares)."""
    for byte in data:
        state = ((state ^ byte) * FNV_PRIME) & _MASK
    return state


def _fnv1a(seed: int, strings: pa.Array) -> np.ndarray:
    """Continue FNV-1a 64 from `seed` over each string's UTF-8 bytes; one uint64 per string."""
    n = len(strings)
    _, offsets_buffer, data_buffer = strings.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[strings.offset : strings.offset + n + 1]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    starts = offsets[:-1].astype(np.int64)
    lengths = (offsets[1:] - offsets[:-1]).astype(np.int64)
    state = np.full(n, seed, dtype=np.uint64)
    prime = np.uint64(FNV_PRIME)
    last = max(len(data) - 1, 0)
    padded = data if len(data) else np.zeros(1, np.uint8)
    for j in range(int(lengths.max()) if n else 0):
        live = lengths > j
        byte = padded[np.minimum(starts + j, last)].astype(np.uint64)
        state = np.where(live, (state ^ byte) * prime, state)  # uint64 arithmetic wraps modulo 2**64
    return state


def _hex(values: np.ndarray) -> pa.Array:
    """Each uint64 as 16 lower-case hex characters, most significant first, as an Arrow string array."""
    n = len(values)
    shifts = np.arange(60, -4, -4, dtype=np.uint64)
    nibbles = (values[:, None] >> shifts[None, :]) & np.uint64(0xF)
    chars = _HEX[nibbles.astype(np.intp)].reshape(-1)
    offsets = np.arange(0, (n + 1) * ID_LENGTH, ID_LENGTH, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes())])
