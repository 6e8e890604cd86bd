from datetime import date

import pytest

from cadence_tui.core.duedates import DueDateError, parse_day, parse_due

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
    [
        "2025-02-30",
        "2026-13-01",
        "10",
        "in 3 days",
        "next blursday",
        "9" * 30,
        "\x1b[31mfri",
        "fri; drop table",
        "-99999d",
        "- d",
    ],
)
def test_rejected_with_accepted_forms_named(text: str) -> None:
    with pytest.raises(DueDateError) as err:
        parse_due(text, WED)
    message = str(err.value)
    assert "\x1b" not in message
    assert "YYYY-MM-DD" in message


# -- the one grammar: every form, through the shared function and every caller --
# (text, the date it means on Wed 25 Nov 2026)
EVERY_FORM = [
    ("2026-12-04", date(2026, 12, 4)),
    ("2026-11-18", date(2026, 11, 18)),
    ("2026-1-5", date(2026, 1, 5)),
    ("20261118", date(2026, 11, 18)),
    ("today", WED),
    ("TODAY", WED),
    ("tomorrow", date(2026, 11, 26)),
    ("tmr", date(2026, 11, 26)),
    ("yesterday", date(2026, 11, 24)),
    ("Yesterday", date(2026, 11, 24)),
    ("fri", date(2026, 11, 27)),
    ("monday", date(2026, 11, 30)),
    ("next friday", date(2026, 12, 4)),
    ("next week", date(2026, 12, 2)),
    ("+3d", date(2026, 11, 28)),
    ("+2w", date(2026, 12, 9)),
    ("+1m", date(2026, 12, 25)),
    ("-7d", date(2026, 11, 18)),
    ("-2w", date(2026, 11, 11)),
    ("-1m", date(2026, 10, 25)),
    (" -3 d ", date(2026, 11, 22)),
]


@pytest.mark.parametrize("text, expected", EVERY_FORM)
def test_shared_grammar_every_form(text: str, expected: date) -> None:
    assert parse_day(text, WED) == expected
    assert parse_due(text, WED) == expected  # a due date takes the same forms


@pytest.mark.parametrize("text, expected", EVERY_FORM)
def test_metric_form_every_form(text: str, expected: date) -> None:
    from cadence_tui.ui.widgets.playbook_forms import _parse_day

    assert _parse_day(text, WED) == expected


def test_metric_form_error_names_the_date_field() -> None:
    from cadence_tui.store.errors import InvalidInput
    from cadence_tui.ui.widgets.playbook_forms import _parse_day

    assert _parse_day("  ", WED) is None
    with pytest.raises(InvalidInput) as err:
        _parse_day("someday", WED)
    assert err.value.field == "date" and "is not a date" in str(err.value) and "yesterday" in str(err.value)


def test_shared_grammar_errors_keep_their_meaning() -> None:
    with pytest.raises(DueDateError, match="is not a date; use YYYY-MM-DD"):
        parse_day("", WED)
    with pytest.raises(DueDateError, match="is not a due date; use YYYY-MM-DD"):
        parse_due("someday", WED)
    with pytest.raises(DueDateError, match="not a real date"):
        parse_day("2026-02-30", WED)
    with pytest.raises(DueDateError, match="not a real date"):
        parse_day("20260230", WED)
    with pytest.raises(DueDateError, match="out of the range"):
        parse_day("-1d", date(1, 1, 1))
    with pytest.raises(DueDateError, match="out of the range"):
        parse_day("+1d", date.max)
