"""What every format shares: date parsing, value casting and input limits (style.md §6)."""
