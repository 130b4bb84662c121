"""DfE Children in Need census (XML): reader, writer and a schema profile per census year (formats.md §5)."""
