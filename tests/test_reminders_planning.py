"""Pure planning: rules, due times, staleness, re-timing on moves; the workflow file as data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from events.notify.errors import InvalidOffset, ReminderAfterEvent, WorkflowFileError
from events.notify.planning import (
    PlannedDelivery,
    Recipient,
    check_rules,
    is_stale,
    parse_rule,
    plan_reminders,
    reconcile,
)
from events.notify.workflows import load_workflows, parse_workflows

START = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Ulaanbaatar
END = START + timedelta(hours=2)
NOW = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "key", "due"), [
    ("1d", "start-1d", START - timedelta(days=1)),
    ("2h", "start-2h", START - timedelta(hours=2)),
    ("1h30m", "start-1h30m", START - timedelta(minutes=90)),
    ("start-3d", "start-3d", START - timedelta(days=3)),
    ("start+15m", "start+15m", START + timedelta(minutes=15)),
    ("end+3d", "end+3d", END + timedelta(days=3)),
    ("END - 1h", "end-1h", END - timedelta(hours=1)),
])
def test_rules_parse_to_keys_and_due_times(text: str, key: str, due: datetime) -> None:
    rule = parse_rule(text)
    assert rule.key == key
    assert rule.due(START, END) == due
    assert parse_rule(rule.key) == rule


@pytest.mark.parametrize("text", ["", "soon", "1x", "0m", "end3d", "start-"])
def test_bad_offsets_are_refused(text: str) -> None:
    with pytest.raises(InvalidOffset):
        parse_rule(text)


def test_a_before_rule_landing_after_the_start_is_refused() -> None:
    check_rules([parse_rule("1d"), parse_rule("end+3d")], START, END)
    with pytest.raises(ReminderAfterEvent, match="not before the event"):
        check_rules([parse_rule("end-1h")], START, END)  # 1 h before the end is after the start


def test_plan_one_delivery_per_recipient_and_rule() -> None:
    people = [Recipient(1, "email", "a@example.org"), Recipient(2, "chat", "json://127.0.0.1/")]
    planned = plan_reminders(start=START, end=END, recipients=people, rules=[parse_rule("1d"), parse_rule("2h")],
                             now=NOW)
    assert len(planned) == 4
    assert {p.rule_key for p in planned} == {"start-1d", "start-2h"}
    assert all(p.event_start_utc == START for p in planned)


def test_plan_leaves_out_what_would_announce_a_started_meeting() -> None:
    people = [Recipient(1, "email", "a@example.org")]
    rules = [parse_rule("3d"), parse_rule("1d"), parse_rule("2h")]
    # 30 hours before: the 3-day reminder is 42 h late (beyond the 6 h grace), the 1-day one is still to come.
    planned = plan_reminders(start=START, end=END, recipients=people, rules=rules, now=START - timedelta(hours=30))
    assert [p.rule_key for p in planned] == ["start-1d", "start-2h"]
    # The meeting began: nothing before the start is planned any more.
    assert plan_reminders(start=START, end=END, recipients=people, rules=rules, now=START + timedelta(minutes=1)) == []


def test_staleness() -> None:
    due = START - timedelta(hours=2)
    assert not is_stale(due=due, event_start=START, before_start=True, now=due + timedelta(hours=1))
    assert is_stale(due=due, event_start=START, before_start=True, now=START)
    assert is_stale(due=due - timedelta(days=1), event_start=START, before_start=True,
                    now=due - timedelta(days=1) + timedelta(hours=7))
    after = END + timedelta(days=3)
    assert not is_stale(due=after, event_start=START, before_start=False, now=after + timedelta(hours=1))


def _p(rule: str, start: datetime, contact: int = 1) -> PlannedDelivery:
    r = parse_rule(rule)
    return PlannedDelivery(contact, "email", "a@example.org", "reminder", r.key, start, r.due(start, start))


def test_reconcile_retimes_pending_and_cancels_what_is_no_longer_wanted() -> None:
    moved = START + timedelta(days=2)
    pending = {10: _p("1d", START), 11: _p("2h", START), 12: _p("1d", START, contact=2)}
    wanted = [_p("1d", moved), _p("2h", moved)]  # contact 2 was removed
    change = reconcile(wanted, pending, finished=set())
    assert change.insert == []
    assert set(change.retime) == {10, 11}
    assert change.retime[10].due_utc == moved - timedelta(days=1)
    assert change.cancel == [12]


def test_reconcile_never_plans_again_what_was_sent_for_the_same_start() -> None:
    sent = _p("1d", START)
    finished = {(*sent.slot, START)}
    assert reconcile([_p("1d", START)], {}, finished).insert == []
    # A move to a new start time is a new reminder for that time.
    moved = START + timedelta(days=1)
    assert reconcile([_p("1d", moved)], {}, finished).insert == [_p("1d", moved)]


def test_shipped_workflows_have_the_kind_defaults_of_the_issue() -> None:
    kinds = load_workflows()
    assert [r.key for r in kinds["consultation"].reminders] == ["start-1d", "start-2h"]
    assert [r.key for r in kinds["signing"].reminders] == ["start-1d"]
    assert [r.key for r in kinds["round_table"].reminders] == ["start-3d", "start-1d"]
    assert kinds["meeting"].reminders == ()
    steps = {s.key: s.at.key for s in kinds["consultation"].steps}
    assert steps["invitations"] == "start-14d"
    assert steps["concept-note"] == "start-7d"
    assert steps["confirm-attendance"] == "start-3d"
    assert steps["minutes"] == "end+3d"


def test_a_users_workflow_file_is_read_and_its_errors_named(tmp_path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[kinds.launch]\nreminders = ["1w"]\nsteps = [{ key = "press", title = "Пресс-релиз", '
                    'at = "start-2d" }]\n', encoding="utf-8")
    kinds = load_workflows(str(path))
    assert kinds["launch"].steps[0].title == "Пресс-релиз"
    with pytest.raises(WorkflowFileError, match="not valid TOML"):
        parse_workflows("[kinds.x\n")
    with pytest.raises(WorkflowFileError, match="reminder offset"):
        parse_workflows('[kinds.x]\nreminders = ["soon"]\n')
    with pytest.raises(WorkflowFileError):
        load_workflows(str(tmp_path / "missing.toml"))
