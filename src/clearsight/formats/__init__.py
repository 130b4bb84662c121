"""Readers and writers for the sector's formats; each turns files into canonical tables plus issues.

Must not import Django, the warehouse or the indicators.
"""
