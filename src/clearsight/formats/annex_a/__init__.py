"""Ofsted Annex A (lists 1-11): reader and writer (formats.md §3, §7).

`read.read(paths, la_code=..., limit_mb=...)` turns a workbook (or one csv per list) into canonical
tables plus issues; `write.write(tables, as_at, out)` writes the workbook Ofsted asks for. The lists'
columns, header profiles and template values are data, in `spec/`.

Must not import Django, the warehouse or the indicators.
"""
