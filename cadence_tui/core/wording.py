"""Counted nouns in messages: "1 decision", "3 decisions", "1,204 items"."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun, singular for exactly one (``plural`` for irregular
    nouns; otherwise an "s" is added)."""
    word = noun if n == 1 else (plural or f"{noun}s")
    return f"{n:,} {word}"
