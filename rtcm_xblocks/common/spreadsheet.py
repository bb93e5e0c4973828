"""Cells of the reports staff open in a spreadsheet (the cohort CSV, the LMS problem-responses reports).

A spreadsheet reads a cell that starts with "=", "+", "-", "@", a tab or a line break as a formula
(CSV or formula injection): text cells are neutralised with a leading "'". Pure: no XBlock, no Django.
"""

__all__ = ["safe_cell"]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    """`value` as a CSV cell; text that a spreadsheet could read as a formula is prefixed with "'"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
