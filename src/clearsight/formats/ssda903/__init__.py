"""SSDA903 (the DfE children looked after return): reader, writer and the yearly spec (formats.md §4, §7)."""
