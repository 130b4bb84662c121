"""Indicators: the catalogue of indicators.md, the engine that computes values, breakdowns and exception
lists from a snapshot's canonical tables, RAG and direction of travel, and the council's configuration.

Must not import Django, and reads the warehouse only through `store.py`.
"""
