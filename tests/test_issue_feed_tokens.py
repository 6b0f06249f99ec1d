"""Issue 13, "Feed tokens": a private feed holds several secret tokens (labelled, listed by prefix only,
revocable one by one), so a lost URL is replaced without breaking the other subscribers; `feed rotate`
still replaces them all; migration 0008 keeps every URL handed out before it working."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from alembic import command

from calendar_app import feeds as feed_service
from calendar_app import schema, services
from calendar_app.app import App, Store
from calendar_app.config import Settings
from calendar_app.db import create_db_engine, read_session
from events.drafts import NewEventDraft
from exports import feeds
from exports.errors import (
    DuplicateTokenLabel,
    FeedNotFound,
    LastTokenOfFeed,
    PublicFeedSecret,
    TokenLabelAmbiguous,
    TokenNotFound,
)
from exports.feeds import FeedSpec
from tests.cli_helpers import run
from tests.conftest import NOW
from tests.server_helpers import running_server

TITLE = "Бишкектеги кеңеш"


def _token(url: str | None) -> str:
    assert url is not None
    return url.rsplit("/", 1)[1].removesuffix(".ics")


def _finds(app: App, token: str) -> bool:
    with read_session(app.store.engine) as session:
        return feeds.feed_by_token(token, session=session) is not None


def test_several_tokens_each_revocable_on_its_own(app: App) -> None:
    first = _token(feed_service.add_feed(FeedSpec("staff", private=True), app=app, now=NOW).url)
    bishkek = feed_service.add_token("staff", "Bishkek office", app=app, now=NOW)
    osh = feed_service.add_token("staff", "Ош кеңсеси", app=app, now=NOW + timedelta(minutes=1))
    assert all(_finds(app, t) for t in (first, _token(bishkek.url), _token(osh.url)))
    listed = feed_service.list_tokens("staff", app=app)
    assert [t.label for t in listed] == [None, "Bishkek office", "Ош кеңсеси"]
    assert [t.prefix for t in listed] == [first[:6], _token(bishkek.url)[:6], _token(osh.url)[:6]]
    assert first not in json.dumps([t.as_json() for t in listed], default=str)  # never the secret again

    revoked = feed_service.revoke_token("staff", "bishkek OFFICE", app=app, now=NOW)  # label, any case
    assert revoked.id == bishkek.info.id and revoked.revoked_at is not None
    assert not _finds(app, _token(bishkek.url))
    assert _finds(app, first) and _finds(app, _token(osh.url))  # the other subscribers keep theirs
    assert [t.label for t in feed_service.list_tokens("staff", app=app)] == [None, "Ош кеңсеси"]
    assert len(feed_service.list_tokens("staff", app=app, include_revoked=True)) == 3
    # A revoked label may be used again; by id and by prefix work too.
    again = feed_service.add_token("staff", "Bishkek office", app=app, now=NOW)
    feed_service.revoke_token("staff", str(again.info.id), app=app, now=NOW)
    feed_service.revoke_token("staff", _token(osh.url)[:6], app=app, now=NOW)
    assert [t.label for t in feed_service.list_tokens("staff", app=app)] == [None]
    with pytest.raises(LastTokenOfFeed):
        feed_service.revoke_token("staff", first[:6], app=app, now=NOW)
    feed_service.revoke_token("staff", first[:6], app=app, now=NOW, allow_last=True)
    assert feed_service.list_tokens("staff", app=app) == [] and not _finds(app, first)


def test_rotate_replaces_every_token(app: App) -> None:
    first = _token(feed_service.add_feed(FeedSpec("staff", private=True), app=app, now=NOW).url)
    other = _token(feed_service.add_token("staff", "Khovd", app=app, now=NOW).url)
    rotated = _token(feed_service.rotate_feed("staff", app=app, now=NOW).url)
    assert not _finds(app, first) and not _finds(app, other) and _finds(app, rotated)
    assert [t.prefix for t in feed_service.list_tokens("staff", app=app)] == [rotated[:6]]


def test_bad_token_commands_change_nothing(app: App) -> None:
    feed_service.add_feed(FeedSpec("staff", private=True), app=app, now=NOW)
    feed_service.add_feed(FeedSpec("public-events"), app=app, now=NOW)
    feed_service.add_token("staff", "Bishkek office", app=app, now=NOW)
    before = feed_service.list_tokens("staff", app=app, include_revoked=True)
    for call, error in (
        (lambda: feed_service.add_token("staff", " BISHKEK office ", app=app, now=NOW), DuplicateTokenLabel),
        (lambda: feed_service.add_token("public-events", "x", app=app, now=NOW), PublicFeedSecret),
        (lambda: feed_service.add_token("nope", "x", app=app, now=NOW), FeedNotFound),
        (lambda: feed_service.add_token("staff", "a\x00b", app=app, now=NOW), ValueError),
        (lambda: feed_service.revoke_token("staff", "Osh office", app=app, now=NOW), TokenNotFound),
        (lambda: feed_service.revoke_token("staff", "99999999999999999999", app=app, now=NOW), TokenNotFound),
        (lambda: feed_service.list_tokens("public-events", app=app), PublicFeedSecret),
    ):
        with pytest.raises(error):
            call()
    assert feed_service.list_tokens("staff", app=app, include_revoked=True) == before


def test_an_ambiguous_prefix_asks_for_the_id(sqlite_app: App) -> None:
    from sqlalchemy import update

    from exports.models import FeedToken

    feed_service.add_feed(FeedSpec("staff", private=True), app=sqlite_app, now=NOW)
    feed_service.add_token("staff", None, app=sqlite_app, now=NOW)
    with sqlite_app.write() as session:  # two tokens sharing their first characters: one in 2^36 by chance
        session.execute(update(FeedToken).values(prefix="abcdef"))
    with pytest.raises(TokenLabelAmbiguous):
        feed_service.revoke_token("staff", "abcdef", app=sqlite_app, now=NOW)


def test_cli_token_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    assert run(db, "feed", "add", "staff", "--private").code == 0
    added = run(db, "feed", "token", "add", "staff", "--label", "Bishkek office")
    assert added.code == 0 and added.stdout.strip().splitlines()[-1].endswith(".ics")
    url = added.stdout.strip().splitlines()[-1]
    listed = run(db, "feed", "token", "list", "staff")
    assert "Bishkek office" in listed.stdout and _token(url) not in listed.stdout and _token(url)[:6] in listed.stdout
    data = run(db, "feed", "token", "list", "staff", "--json").json()
    assert [t["label"] for t in data] == [None, "Bishkek office"] and all(t["active"] for t in data)
    assert run(db, "feed", "token", "revoke", "staff", "Bishkek office").code == 0
    for args, code, words in (
        (("feed", "token", "revoke", "staff", "Bishkek office"), 1, "no working token"),
        (("feed", "token", "revoke", "staff", str(data[0]["id"])), 2, "last working token"),
        (("feed", "token", "add", "nope"), 1, "no feed named"),
        (("feed", "token", "list", "staff", "--bogus"), 2, "--bogus"),
    ):
        bad = run(db, *args)
        assert bad.code == code and bad.stderr.startswith("error: ") and words in bad.stderr, bad.stderr
        assert bad.stderr.count("\n") == 1
    everything = run(db, "feed", "token", "list", "staff", "--all", "--json").json()
    assert [t["active"] for t in everything] == [True, False]


def test_served_feed_answers_every_working_token_and_404_for_a_revoked_one(sqlite_app: App) -> None:
    app = sqlite_app
    services.add_event(NewEventDraft(title=TITLE, start="2026-11-26 10:00", region="bishkek"), app=app, now=NOW)
    first = urlsplit(feed_service.add_feed(FeedSpec("staff", private=True), app=app, now=NOW).url or "").path
    bishkek = urlsplit(feed_service.add_token("staff", "Bishkek office", app=app, now=NOW).url).path
    with running_server(app.settings.db_url) as client:
        for path in (first, bishkek):
            answer = client.get(path)
            assert answer.status_code == 200 and TITLE in answer.text
        feed_service.revoke_token("staff", "Bishkek office", app=app, now=NOW)
        gone = client.get(bishkek)
        assert gone.status_code == 404 and TITLE not in gone.text and "staff" not in gone.text
        assert client.get(first).status_code == 200  # the other subscriber is unaffected
        osh = urlsplit(feed_service.add_token("staff", "Osh", app=app, now=NOW).url).path
        assert client.get(osh).status_code == 200
        rotated = urlsplit(feed_service.rotate_feed("staff", app=app, now=NOW).url or "").path
        assert [client.get(p).status_code for p in (first, osh, rotated)] == [404, 404, 200]


def test_migration_keeps_the_token_of_a_feed_stored_before(store_url: str) -> None:
    engine = create_db_engine(store_url)
    schema.upgrade(engine, "0009")
    secret = "u6Hq0c7xJtqS0cXo0l1P3QmDqfGxH2kq3vZyq9JYtZ8"
    with engine.begin() as connection:
        stamp = "2026-11-01 04:00:00" + ("+00" if connection.dialect.name == "postgresql" else "")
        for name, private, token_hash in (("staff", True, hashlib.sha256(secret.encode()).hexdigest()),
                                          ("public-events", False, None)):
            connection.execute(sa.text(
                "INSERT INTO feed (name, filters, private, detail, token_hash, cancelled_days, alarms, tasks, "
                "created_at, updated_at) VALUES (:name, '{}', :private, 'full', :hash, 30, '', false, :at, :at)"
            ), {"name": name, "private": private, "hash": token_hash, "at": stamp})
    schema.upgrade(engine)
    app = App(Settings(db_url=store_url, default_tz="Asia/Ulaanbaatar"), Store(store_url))
    try:
        assert _finds(app, secret)  # the URL handed out before the migration still works
        listed = feed_service.list_tokens("staff", app=app)
        assert len(listed) == 1 and listed[0].prefix is None and listed[0].label is None
        assert listed[0].created_at.year == 2026
        added = feed_service.add_token("staff", "Bishkek office", app=app, now=NOW)
        assert _finds(app, secret) and _finds(app, _token(added.url))
        with engine.connect() as connection:
            assert "token_hash" not in {c["name"] for c in sa.inspect(connection).get_columns("feed")}
            assert connection.execute(sa.text("SELECT count(*) FROM feed")).scalar() == 2
        _downgrade_to_0009(engine)
        with engine.connect() as connection:
            kept = connection.execute(sa.text("SELECT token_hash FROM feed WHERE name = 'staff'")).scalar()
            assert kept == hashlib.sha256(_token(added.url).encode()).hexdigest()  # the newest working one
            assert not sa.inspect(connection).has_table("feed_token")
        schema.upgrade(engine)
        assert _finds(app, _token(added.url)) and not _finds(app, secret)
    finally:
        app.close()
        engine.dispose()


def _downgrade_to_0009(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            schema._raw_pragma(connection, "foreign_keys = OFF")  # as schema.upgrade does for batch steps
        with connection.begin():
            command.downgrade(schema._alembic_config(connection), "0009")
        if engine.dialect.name == "sqlite":
            schema._raw_pragma(connection, "foreign_keys = ON")
