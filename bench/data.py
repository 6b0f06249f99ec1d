"""Synthetic stores for the benchmarks: many events with Cyrillic texts over our zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from calendar_app.app import App
from calendar_app.config import Settings
from calendar_app.db import read_session
from events.bulk import insert_events
from events.drafts import NewEventDraft

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
REGIONS = ["ulaanbaatar", "khovd", "uvs", "bishkek", "osh-city", "dornod", "naryn"]
TITLES = [
    "Жендэрийн эрх тэгш байдлын зөвшилцөх уулзалт",
    "Тегерек стол: гендердик сезимтал ыкмалар",
    "Круглый стол по предотвращению насилия, МВД; МЗ",
    "Хүүхэд хамгааллын сургалт (2-р шат)",
]


def drafts(first: int, last: int) -> list[NewEventDraft]:
    start = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)  # only its wall-clock text is used
    out = []
    for n in range(first, last):
        day = start + timedelta(days=n % 700, hours=n % 8)
        all_day = n % 10 == 0
        out.append(NewEventDraft(
            title=f"{TITLES[n % len(TITLES)]} №{n}", kind=["meeting", "training", "consultation", "launch"][n % 4],
            start=day.strftime("%Y-%m-%d") if all_day else day.strftime("%Y-%m-%d %H:%M"),
            duration="2d" if all_day else "90m", all_day=all_day, region=REGIONS[n % len(REGIONS)],
            location="Улаанбаатар, Чингэлтэй дүүрэг, 1-р хороо, Засгийн газрын III байр",
            description="Архангай, Баянхонгор, Орхон, Сэлэнгэ, Төв, Увс аймгийн сайн туршлагыг сайжруулан "
                        "хэрэгжүүлэхэд бодлогын түвшинд арга зүйн дэмжлэг авах зөвшилцөх уулзалт.\n"
                        "Зохион байгуулагч: Жендэрийн үндэсний хороо; түнш: НҮБ-ын Хүн амын сан.",
            partners=["Азийн сан", "НҮБ-ын Хүүхдийн сан"][: 1 + n % 2], programme="Нийгмийн эгэх хариуцлага II",
            language="mn", visibility="public", uid=f"bench-{n}@calendar-app",
        ))
    return out


def make_store(path: str, count: int) -> App:
    app = App.open(Settings(db_url=f"sqlite:///{path}", default_tz="Asia/Ulaanbaatar"))
    engine = app.store.engine
    for offset in range(0, count, 10_000):
        with read_session(engine) as session:
            insert_events(drafts(offset, min(count, offset + 10_000)), session=session,
                          default_tz=app.settings.default_tz, now=NOW)
    engine.dispose()
    return app
