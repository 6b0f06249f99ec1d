"""Issue 13, clashes and duplicates: `event add`/`edit` warn on the same title and start, and on an overlap
with an event of the same partner, organiser or region; `--strict` refuses; cancelled events never clash."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from calendar_app import services
from calendar_app.app import App
from calendar_app.bulk import BatchItemFailed, edit_events
from events.clashes import MAX_REPORTED, ClashRefused
from events.drafts import EventChanges, NewEventDraft
from events.errors import Notice
from tests.cli_helpers import row_counts, run
from tests.conftest import NOW

START = NOW + timedelta(days=10)
TITLE = "Хүүхэд хамгааллын зөвшилцөх уулзалт"


def _draft(title: str = TITLE, *, hours: float = 0, region: str | None = None, **extra: Any) -> NewEventDraft:
    return NewEventDraft(title=title, start=(START + timedelta(hours=hours)).isoformat(), duration="2h",
                         tz="Asia/Ulaanbaatar", region=region, **extra)


def _warnings(app: App, draft: NewEventDraft) -> tuple[str, ...]:
    return services.add_event(draft, app=app, now=NOW).warnings


def test_same_title_and_start_is_a_duplicate(app: App) -> None:
    first = services.add_event(_draft(), app=app, now=NOW).view.id
    assert _warnings(app, _draft()) == (f"event {first} {TITLE!r} has the same title and start: is this one a "
                                        "duplicate?",)
    assert _warnings(app, _draft(TITLE.upper())) != ()  # the same title in other case is the same title
    assert _warnings(app, _draft("Өөр гарчиг")) == ()  # same time, nothing shared: no warning


@pytest.mark.parametrize(("first", "second", "shared"), [
    ({"partners": ["UNICEF", "Хууль зүйн яам"]}, {"partners": ["Хууль зүйн яам"]}, "partner Хууль зүйн яам"),
    ({"organizer": "Save the Children"}, {"organizer": "save the children "}, "organiser Save the Children"),
    ({"region": "khovd"}, {"region": "khovd"}, "region khovd"),
])
def test_overlap_with_the_same_partner_organiser_or_region(app: App, first: dict[str, Any],
                                                          second: dict[str, Any], shared: str) -> None:
    first_id = services.add_event(_draft("Сургалт", **first), app=app, now=NOW).view.id
    warnings = _warnings(app, _draft("Дугуй ширээ", hours=1.5, **second))
    assert warnings == (f"overlaps event {first_id} 'Сургалт' of the same {shared}",)
    assert _warnings(app, _draft("Өмнө нь", hours=-2, **second)) == ()  # ends as the first starts: no overlap


def test_cancelled_events_never_clash(app: App) -> None:
    first = services.add_event(_draft(region="ulaanbaatar"), app=app, now=NOW).view.id
    services.cancel_event(str(first), None, app=app, now=NOW)
    assert _warnings(app, _draft(region="ulaanbaatar")) == ()
    assert _warnings(app, _draft("Цуцлагдсан", region="ulaanbaatar", status="cancelled")) == ()


def test_strict_refuses_and_writes_nothing(app: App) -> None:
    services.add_event(_draft(region="ulaanbaatar"), app=app, now=NOW)
    with app.read() as session:
        before = len(services.queries.list_events(services.queries.EventQuery(), session=session))
    with pytest.raises(ClashRefused) as caught:
        services.add_event(_draft(region="ulaanbaatar"), app=app, now=NOW, strict=True)
    assert "has the same title and start" in str(caught.value)
    with app.read() as session:
        assert len(services.queries.list_events(services.queries.EventQuery(), session=session)) == before


def test_an_edit_warns_only_when_it_makes_a_clash(app: App) -> None:
    first = services.add_event(_draft(region="khovd"), app=app, now=NOW).view.id
    second = services.add_event(_draft("Сургалт", hours=24, region="khovd"), app=app, now=NOW).view.id
    moved = services.edit_event(str(second), EventChanges(start=(START + timedelta(hours=1)).isoformat()), app=app,
                                now=NOW)
    assert moved.warnings == (f"overlaps event {first} {TITLE!r} of the same region khovd",)
    assert services.edit_event(str(second), EventChanges(description="Тайлбар"), app=app, now=NOW).warnings == ()
    with pytest.raises(ClashRefused):
        services.edit_event(str(second), EventChanges(title=TITLE, start=START.isoformat()), app=app, now=NOW,
                            strict=True)
    # A change that cannot make a clash is not checked; one that does, in a batch too: all or nothing.
    assert edit_events([first, second], EventChanges(location="Ховд"), app=app, now=NOW, strict=True)
    later = (START + timedelta(days=3)).isoformat()
    with pytest.raises(BatchItemFailed):
        edit_events([first, second], EventChanges(location="Ховд аймгийн ЗДТГ", start=later), app=app, now=NOW,
                    strict=True)
    shown = services.show_event(str(first), app=app)
    assert (shown.location, shown.start.isoformat()) == ("Ховд", START.astimezone(shown.start.tzinfo).isoformat())


def test_many_clashes_are_summed_up(sqlite_app: App) -> None:
    for n in range(MAX_REPORTED + 3):
        services.add_event(_draft(f"Уулзалт {n}", region="ulaanbaatar"), app=sqlite_app, now=NOW)
    warnings = _warnings(sqlite_app, _draft("Шинэ", region="ulaanbaatar"))
    assert len(warnings) == MAX_REPORTED + 1 and warnings[-1].startswith("and 3 more events overlap it")


def test_cli_warns_on_stderr_and_strict_exits_2(sqlite_url: str) -> None:
    args = ["event", "add", TITLE, "--start", "2026-12-03 10:00", "--region", "ulaanbaatar"]
    assert run(sqlite_url, *args).code == 0
    warned = run(sqlite_url, *args)
    assert warned.code == 0 and warned.stderr.startswith("warning: event 1 ") and "duplicate" in warned.stderr
    counts = row_counts(sqlite_url)
    refused = run(sqlite_url, *args, "--strict")
    assert refused.code == 2 and refused.stderr.count("\n") == 1
    assert "--strict" in refused.stderr and "nothing was saved" in refused.stderr
    assert row_counts(sqlite_url) == counts


def test_warnings_and_refusal_speak_the_cli_language(sqlite_url: str) -> None:
    args = ["event", "add", TITLE, "--start", "2025-11-26 10:00", "--region", "ulaanbaatar"]
    first = run(sqlite_url, "--lang", "ru", *args)
    assert first.code == 0
    assert "2025-11-26 — государственный праздник в стране MN (Republic Day)" in first.stderr
    warned = run(sqlite_url, "--lang", "ru", *args)
    assert warned.code == 0 and f"у события 1 {TITLE!r} то же название и то же начало" in warned.stderr
    other = run(sqlite_url, "--lang", "ky", "event", "add", "Тренинг", "--start", "2025-11-26 10:30",
                "--region", "ulaanbaatar")
    assert other.code == 0 and f"1 иш-чарасы {TITLE!r} менен убактысы дал келет, жалпы: аймак ulaanbaatar" \
        in other.stderr
    counts = row_counts(sqlite_url)
    refused = run(sqlite_url, "--lang", "mn", *args, "--strict")
    assert refused.code == 2 and refused.stderr.count("\n") == 1
    assert "ижил нэр, ижил эхлэх цагтай" in refused.stderr and "--strict" in refused.stderr
    assert "duplicate" not in refused.stderr
    assert row_counts(sqlite_url) == counts


def test_the_summing_up_line_is_translated_too(sqlite_app: App) -> None:
    from calendar_app import i18n

    for n in range(MAX_REPORTED + 2):
        services.add_event(_draft(f"Уулзалт {n}", region="ulaanbaatar"), app=sqlite_app, now=NOW)
    last = _warnings(sqlite_app, _draft("Шинэ", region="ulaanbaatar"))[-1]
    assert isinstance(last, Notice) and last.startswith("and 2 more events overlap it")
    try:
        i18n.use("ru")
        assert last.render(i18n.gettext).startswith("и ещё событий, пересекающихся с ним: 2 ")
    finally:
        i18n.use("en")
