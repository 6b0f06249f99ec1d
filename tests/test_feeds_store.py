"""Feeds over both backends: add/list/url/rotate/remove, hashed tokens, the confidentiality boundary,
busy-only detail, cancelled-event retention and the per-event render cache."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from calendar_app import feeds as feed_service
from calendar_app import services
from calendar_app.app import App
from calendar_app.db import read_session, write_session
from events.drafts import EventChanges, NewEventDraft
from exports import feeds
from exports.checks import check_calendar
from exports.errors import DuplicateFeed, FeedNotFound, InvalidFeedName, PublicFeedSecret
from exports.feeds import FeedSpec
from exports.models import FeedToken, RenderedEvent
from tests.conftest import NOW
from tests.server_helpers import add_feed_stored_before_checks, feed_bytes

PUBLIC_T = "Нээлттэй хурал: жендэрийн тэгш байдал"
INTERNAL_T = "Дотоод уулзалт: төсөв"
SECRET_T = "Хохирогчийн хэрэг: нууц зөвлөгөөн"


def _add(app: App, title: str, visibility: str, **more: object) -> int:
    draft = NewEventDraft(title=title, start="2026-11-26 10:00", duration="2h", region="ulaanbaatar",
                          visibility=visibility, location="Чингэлтэй дүүрэг", description="Тайлбар, нууц",
                          partners=["Азийн сан"], **more)  # type: ignore[arg-type]
    return services.add_event(draft, app=app, now=NOW).view.id


@pytest.fixture
def stocked(app: App) -> App:
    _add(app, PUBLIC_T, "public")
    _add(app, INTERNAL_T, "internal")
    _add(app, SECRET_T, "confidential")
    return app


def _export(app: App, **options: object) -> bytes:
    out = io.BytesIO()
    feed_service.export_calendar(feed_service.ExportRequest(**options), out, app=app,  # type: ignore[arg-type]
                                 now=NOW)
    assert check_calendar(out.getvalue()) == []
    return out.getvalue()


def _titles(data: bytes) -> set[str]:
    text = data.decode()
    return {t for t in (PUBLIC_T, INTERNAL_T, SECRET_T) if t.split(":")[0] in text}


def test_feed_lifecycle(app: App) -> None:
    info = feed_service.add_feed(FeedSpec("public-events", visibilities=["public"]), app=app, now=NOW)
    assert info.url is not None and info.url.endswith("/feeds/public-events.ics")
    assert feed_service.feed_info("public-events", app=app).url == info.url
    with pytest.raises(DuplicateFeed):
        feed_service.add_feed(FeedSpec("public-events"), app=app, now=NOW)
    with pytest.raises(InvalidFeedName):
        feed_service.add_feed(FeedSpec("bad name/../x"), app=app, now=NOW)
    with pytest.raises(PublicFeedSecret):
        feed_service.rotate_feed("public-events", app=app, now=NOW)
    assert [i.name for i in feed_service.list_feeds(app=app)] == ["public-events"]
    feed_service.remove_feed("public-events", app=app)
    with pytest.raises(FeedNotFound):
        feed_service.feed_info("public-events", app=app)


def test_private_token_is_random_hashed_and_rotates(app: App) -> None:
    first = feed_service.add_feed(FeedSpec("staff", private=True), app=app, now=NOW)
    assert first.url is not None
    token = first.url.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 43  # 32 random bytes, url-safe base64: 256 bits
    engine = app.store.engine
    with read_session(engine) as session:
        stored = session.exec(select(FeedToken)).one()[0]  # type: ignore[call-overload]
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in repr(stored) and token[:6] == stored.prefix
        assert feeds.feed_by_token(token, session=session) is not None
    assert feed_service.feed_info("staff", app=app).url is None  # the secret is not kept
    second = feed_service.rotate_feed("staff", app=app, now=NOW)
    assert second.url is not None and second.url != first.url
    with read_session(engine) as session:
        assert feeds.feed_by_token(token, session=session) is None
        assert feeds.feed_by_token(second.url.rsplit("/", 1)[1].removesuffix(".ics"), session=session) is not None


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (FeedSpec("pub"), {PUBLIC_T}),
        (FeedSpec("pub-all", visibilities=["public", "internal", "confidential"]), {PUBLIC_T, INTERNAL_T}),
        (FeedSpec("priv", private=True), {PUBLIC_T, INTERNAL_T}),
        (FeedSpec("priv-conf", private=True, visibilities=["confidential"]), {SECRET_T}),
        (FeedSpec("priv-all", private=True, visibilities=["public", "internal", "confidential"]),
         {PUBLIC_T, INTERNAL_T, SECRET_T}),
    ],
)
def test_confidential_only_in_private_feeds_that_name_it(stocked: App, spec: FeedSpec,
                                                         expected: set[str]) -> None:
    if not spec.private and "confidential" in spec.visibilities:  # refused now; rows from before must not leak
        add_feed_stored_before_checks(stocked, spec, now=NOW)
    else:
        feed_service.add_feed(spec, app=stocked, now=NOW)
    assert _titles(feed_bytes(stocked, spec.name)) == expected


def test_export_admits_confidential_only_when_named(stocked: App) -> None:
    assert _titles(_export(stocked)) == {PUBLIC_T, INTERNAL_T}
    assert _titles(_export(stocked, visibilities=["confidential"])) == {SECRET_T}


def test_busy_feed_and_busy_export_carry_no_texts(stocked: App) -> None:
    feed_service.add_feed(FeedSpec("busy", private=True, detail="busy",
                                   visibilities=["public", "internal", "confidential"]), app=stocked, now=NOW)
    for data in (feed_bytes(stocked, "busy"), _export(stocked, detail="busy", visibilities=["confidential"])):
        text = data.decode()
        assert "BEGIN:VEVENT" in text
        for leak in ("хурал", "уулзалт", "нууц", "Чингэлтэй", "Тайлбар", "Азийн", "DESCRIPTION", "LOCATION",
                     "X-CALENDAR-APP", "ATTENDEE", "ORGANIZER"):
            assert leak not in text, leak


def test_cancelled_event_kept_marked_then_leaves(app: App) -> None:
    event_id = _add(app, PUBLIC_T, "public", language="mn")
    services.cancel_event(str(event_id), "Цас их орсон", app=app, now=NOW)
    feed_service.add_feed(FeedSpec("pub", cancelled_days=10), app=app, now=NOW)
    kept = feed_bytes(app, "pub", now=NOW + timedelta(days=9)).decode()
    assert "STATUS:CANCELLED" in kept and "[ЦУЦЛАГДСАН]" in kept and "SEQUENCE:1" in kept
    gone = feed_bytes(app, "pub", now=NOW + timedelta(days=11)).decode()
    assert "BEGIN:VEVENT" not in gone


def test_chunks_are_cached_and_follow_changes(app: App) -> None:
    event_id = _add(app, PUBLIC_T, "public")
    feed_service.add_feed(FeedSpec("pub"), app=app, now=NOW)
    first = feed_bytes(app, "pub")
    engine = app.store.engine
    with write_session(engine) as session:
        assert len(session.execute(select(RenderedEvent.__table__)).all()) == 1  # type: ignore[attr-defined]
    assert feed_bytes(app, "pub") == first  # same data, same bytes
    services.edit_event(str(event_id), EventChanges(title="Шинэ нэр"), app=app, now=NOW + timedelta(hours=1))
    changed = feed_bytes(app, "pub")
    assert "Шинэ нэр" in changed.decode() and "SEQUENCE:1" in changed.decode()
    services.delete_event(str(event_id), app=app)
    assert "BEGIN:VEVENT" not in feed_bytes(app, "pub").decode()


def test_alarms_only_when_the_feed_asks(app: App) -> None:
    _add(app, PUBLIC_T, "public")
    cancelled = _add(app, "Цуцлагдсан уулзалт", "public")
    services.cancel_event(str(cancelled), None, app=app, now=NOW)
    feed_service.add_feed(FeedSpec("plain"), app=app, now=NOW)
    feed_service.add_feed(FeedSpec("alarms", alarms=["2h", "1d", "120m"]), app=app, now=NOW)
    feed_service.add_feed(FeedSpec("busy-alarms", private=True, detail="busy", alarms=["1d"]), app=app,
                          now=NOW)
    assert b"VALARM" not in feed_bytes(app, "plain")
    text = feed_bytes(app, "alarms").decode()
    assert text.count("BEGIN:VALARM") == 2  # one event, two distinct offsets; none on the cancelled one
    assert "TRIGGER:-P1D" in text and "TRIGGER:-PT2H" in text and "ACTION:DISPLAY" in text
    busy = feed_bytes(app, "busy-alarms").decode()
    assert "DESCRIPTION:Busy" in busy and PUBLIC_T not in busy
    import vobject

    (event,) = [e for e in vobject.readOne(text).vevent_list if e.status.value != "CANCELLED"]
    assert sorted(a.trigger.value for a in event.valarm_list) == [-timedelta(days=1), -timedelta(hours=2)]
