"""The generic table checker: any Frictionless Table Schema against CSV, Parquet or XLSX, in DuckDB.

Imports nothing else of hmipdata and knows nothing of any publisher.
"""
