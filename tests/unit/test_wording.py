from cadence_tui.core.wording import counted


def test_counted_is_singular_for_exactly_one() -> None:
    assert counted(1, "decision") == "1 decision"
    assert counted(0, "decision") == "0 decisions"
    assert counted(2, "action item") == "2 action items"
    assert counted(1204, "item") == "1,204 items"
    assert counted(3, "person", "people") == "3 people"
    assert counted(1, "person", "people") == "1 person"
