"""Sample events for the feed tests: Cyrillic texts from the press releases in shared/domain, every zone
we serve, all-day spans, a cancellation, and the characters iCalendar must escape."""

from __future__ import annotations

from datetime import UTC, datetime

from events.timeparse import zone
from events.views import EventView

STAMP = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
CREATED = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)

KY_TITLE = "Аялдарга жана кыздарга карата зордук-зомбулукка каршы 16 күндүк активдүүлүк"
MN_TITLE = "«Монгол Улсад Нийгмийн эгэх хариуцлагыг бэхжүүлэх нь» төслийн II үе шатны нээлт"
RU_TITLE = "Круглый стол: гендерно-чувствительные услуги; приглашены МВД, МЗ"
HOVD_TITLE = "Ховд аймагт хүүхэд хамгааллын сургалт"
TRICKY = 'Line one, with comma; semicolon \\ backslash\nline two "quoted" — Ө ү ң'


def view(**values: object) -> EventView:
    tz = zone(str(values.get("timezone", "Asia/Ulaanbaatar")))
    base: dict[str, object] = dict(
        id=1, uid="sample-1@calendar-app", title=MN_TITLE, kind="launch", all_day=False,
        timezone=tz.key, status="confirmed", visibility="public", region="ulaanbaatar", location=None,
        description=None, url=None, organizer=None, programme=None, language="mn", partners=(),
        participants_expected=None, participants_actual=None, participants_women=None, participants_men=None,
        cancel_reason=None, sequence=0, created_at=CREATED, updated_at=CREATED,
    )
    base.update(values)
    for key in ("start", "end"):
        value = base[key]
        assert isinstance(value, datetime)
        base[key] = value.astimezone(tz)
    return EventView(**base)  # type: ignore[arg-type]


def sample_events() -> list[EventView]:
    ub, hovd, bishkek = zone("Asia/Ulaanbaatar"), zone("Asia/Hovd"), zone("Asia/Bishkek")
    return [
        view(id=1, uid="mn-launch@calendar-app", start=datetime(2025, 11, 26, 10, 0, tzinfo=ub),
             end=datetime(2025, 11, 26, 12, 0, tzinfo=ub), location="Улаанбаатар, Чингэлтэй дүүрэг, 1-р хороо",
             organizer="Жендэрийн үндэсний хороо gender@example.mn", partners=("Азийн сан", "НҮБ-ын Хүүхдийн сан"),
             programme="Нийгмийн эгэх хариуцлага II", url="https://example.mn/news/1"),
        view(id=2, uid="kg-16days@calendar-app", title=KY_TITLE, kind="campaign_day", language="ky",
             timezone="Asia/Bishkek", region="bishkek", all_day=True,
             start=datetime(2025, 11, 25, tzinfo=bishkek), end=datetime(2025, 12, 11, tzinfo=bishkek),
             description="25-ноябрдан 10-декабрга чейин."),
        view(id=3, uid="ru-round-table@calendar-app", title=RU_TITLE, kind="round_table", language="ru",
             timezone="Asia/Bishkek", region="osh-city", status="cancelled", sequence=2,
             cancel_reason="Перенос по просьбе министерства", description=TRICKY, visibility="internal",
             start=datetime(2025, 12, 2, 14, 0, tzinfo=bishkek), end=datetime(2025, 12, 2, 16, 30, tzinfo=bishkek),
             updated_at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC)),
        view(id=4, uid="mn-hovd-training@calendar-app", title=HOVD_TITLE, kind="training", timezone="Asia/Hovd",
             region="khovd", visibility="confidential", sequence=1,
             start=datetime(2025, 12, 8, 9, 0, tzinfo=hovd), end=datetime(2025, 12, 10, 17, 0, tzinfo=hovd)),
    ]
