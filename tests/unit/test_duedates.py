from datetime import date

import pytest

from cadence_tui.core.duedates import DueDateError, parse_due

WED = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-12-04", date(2026, 12, 4)),
        ("today", WED),
        ("Tomorrow", date(2026, 11, 26)),
        ("fri", date(2026, 11, 27)),
        ("friday", date(2026, 11, 27)),
        ("wed", date(2026, 12, 2)),  # the same weekday means next week, never today
        ("next friday", date(2026, 12, 4)),
        ("next  mon", date(2026, 11, 30)),
        ("+3d", date(2026, 11, 28)),
        ("+2w", date(2026, 12, 9)),
        ("+1m", date(2026, 12, 25)),
        ("  +10d ", date(2026, 12, 5)),
    ],
)
def test_accepted_forms(text: str, expected: date) -> None:
    assert parse_due(text, WED) == expected


def test_empty_means_no_due_date() -> None:
    assert parse_due("   ", WED) is None


def test_month_end_relative() -> None:
    assert parse_due("+1m", date(2026, 1, 31)) == date(2026, 2, 28)


@pytest.mark.parametrize(
    "text",
    ["2025-02-30", "2026-13-01", "10", "in 3 days", "next blursday", "9" * 30, "\x1b[31mfri", "fri; drop table", "-3d"],
)
def test_rejected_with_accepted_forms_named(text: str) -> None:
    with pytest.raises(DueDateError) as err:
        parse_due(text, WED)
    message = str(err.value)
    assert "\x1b" not in message
    assert "YYYY-MM-DD" in message
