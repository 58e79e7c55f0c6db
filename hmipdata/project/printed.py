"""Read a figure as printed ("75", "2,221", "six", "a quarter", "27%") as the number it denotes."""

from __future__ import annotations

import re

WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
FRACTIONS = {"a quarter": 25, "quarter": 25, "three-quarters": 75, "three quarters": 75, "half": 50,
             "a half": 50, "a third": 100 / 3, "two-thirds": 200 / 3, "two thirds": 200 / 3}  # fmt: skip


def denoted(text: str, unit: str = "") -> float | None:
    """The number a printed figure denotes: digits, number words, or (for percentages) fractions."""
    cleaned = text.strip().lower().replace(",", "").replace("%", "").replace("per cent", "").strip()
    cleaned = cleaned.replace("\u2212", "-")
    if re.fullmatch(r"[+-]?\d+(\.\d+)?", cleaned):
        return float(cleaned)
    if cleaned in FRACTIONS and unit.startswith("percent"):
        return FRACTIONS[cleaned]
    parts = re.split(r"[- ]", cleaned)
    if parts and all(p in WORDS for p in parts):
        return float(sum(WORDS[p] for p in parts))
    return None


def printed_pairs(field_names: list[str], numeric: set[str]) -> list[tuple[str, str]]:
    """(numeric column, column holding it as printed) pairs, by naming convention."""
    pairs = []
    for name in field_names:
        if name not in numeric:
            continue
        for text in (f"{name}_as_printed", f"{name}_text", "value_text" if name == "value" else ""):
            if text and text in field_names:
                pairs.append((name, text))
                break
    return pairs
