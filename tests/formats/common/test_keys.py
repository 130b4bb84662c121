"""derive_ids: FNV-1a 64 over `la_code|table|parts`, vectorised, equal to the plain definition."""

import datetime as dt

import pyarrow as pa

from clearsight.formats.common.keys import derive_ids


def fnv1a_hex(text: str) -> str:
    state = 0xCBF29CE484222325
    for byte in text.encode():
        state = ((state ^ byte) * 0x100000001B3) % 2**64
    return f"{state:016x}"


def test_ids_are_fnv1a_of_the_joined_key_with_nulls_as_empty_text():
    people = pa.array(["A", None, "Zoë ✓", ""])
    dates = pa.array([dt.date(2023, 5, 1), dt.date(2024, 2, 29), None, None])
    ids = derive_ids("999", "ssd_cin_episodes", people, dates).to_pylist()
    keys = ["A|2023-05-01", "|2024-02-29", "Zoë ✓|", "|"]
    assert ids == [fnv1a_hex(f"999|ssd_cin_episodes|{k}") for k in keys]
    assert fnv1a_hex("a") == "af63dc4c8601ec8c"  # the published FNV-1a 64 test vector


def test_ids_ignore_slicing_and_chunking():
    people = pa.array([f"P{i}" for i in range(10)])
    whole = derive_ids("1", "t", people).to_pylist()
    assert derive_ids("1", "t", people.slice(3, 4)).to_pylist() == whole[3:7]
    assert derive_ids("1", "t", pa.chunked_array([people[:5], people[5:]])).to_pylist() == whole
    assert derive_ids("1", "t", pa.array([], pa.string())).to_pylist() == []
