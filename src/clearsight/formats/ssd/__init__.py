"""The SSD extract: a folder of csv or Parquet files named after canonical tables (formats.md §6)."""
