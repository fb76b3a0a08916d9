"""Bulk import of CSV and Excel files (docs/import.md, decision 0014).

`engine.run_import` is the one entry point; `kinds/` declares each layout; `reading` streams
the file; `rows` parses cells; `staging` validates into a scratch table and merges out of it.
"""
