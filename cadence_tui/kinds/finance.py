"""Finance: budget vs actual per department, the variance threshold, the re-forecast.

Its shapes and arithmetic: ``variance``, ``over_threshold``, ``BudgetLine``, ``budget_totals``.
Its store part is PanelStore's budget (store/panels.py), its panel
ui/widgets/cadence_panels.py:BudgetPanel, its meeting screen ui/screens/meeting.py:FinanceReviewScreen.
Only this kind has the cadence editor's "Variance %" field (``flags_budget_variance``).
"""

from __future__ import annotations

from dataclasses import dataclass

from cadence_tui.kinds.base import Kind

SUMMARY_SECTION = "Budget vs actual"

KIND = Kind(
    name="finance",
    label="Finance (budget vs actual, re-forecast)",
    seed_key="finance-review",
    meeting_screen="cadence_tui.ui.screens.meeting:FinanceReviewScreen",
    panel="Budget",
    summary_sections=(SUMMARY_SECTION,),
    flags_budget_variance=True,
)


def variance(budget: float, actual: float) -> tuple[float, float | None]:
    """Actual minus budget, in money and in % of budget (None for a zero budget)."""
    money = actual - budget
    pct = money / budget * 100.0 if budget else None
    return money, pct


def over_threshold(pct: float | None, threshold: float, *, money: float = 0.0) -> bool:
    """A line is flagged when its variance, either way, exceeds the threshold.

    Spending against a zero budget has no percentage; any of it is flagged.
    """
    if pct is None:
        return money != 0
    return abs(pct) > threshold


@dataclass(frozen=True)
class BudgetLine:
    """One department's budget and actual in a finance review, as the Budget panel edits it."""

    id: int
    department: str
    budget: float
    actual: float

    @property
    def variance(self) -> float:
        return variance(self.budget, self.actual)[0]

    @property
    def variance_pct(self) -> float | None:
        return variance(self.budget, self.actual)[1]

    def flagged(self, threshold: float) -> bool:
        return over_threshold(self.variance_pct, threshold, money=self.variance)


@dataclass(frozen=True)
class BudgetTotals:
    """The budget and actual summed over a meeting's budget lines (the panel's total line)."""

    budget: float
    actual: float

    @property
    def variance(self) -> float:
        return self.actual - self.budget

    @property
    def variance_pct(self) -> float | None:
        return variance(self.budget, self.actual)[1]


def budget_totals(lines: list[BudgetLine]) -> BudgetTotals:
    return BudgetTotals(sum(line.budget for line in lines), sum(line.actual for line in lines))
