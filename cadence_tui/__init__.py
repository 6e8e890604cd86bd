"""Cadence: run meeting cadences from the terminal."""

__version__ = "0.1.0"
