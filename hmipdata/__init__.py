"""hmipdata: HM Inspectorate of Probation figures as validated open data."""

__version__ = "0.1.0"
