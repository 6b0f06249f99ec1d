"""Issue 10, part 4: feed settings are checked when the feed is stored, so no GET meets one it cannot serve.

`feed add --keep-cancelled 99999999999999` used to be accepted and every GET of that feed answered 500.
Now: the days within events.bounds.MAX_RETENTION_DAYS, colours as CSS3 names them (or #rgb / #rrggbb),
alarm offsets within bounds, no control characters in the texts, and a public feed cannot ask for
confidential events: exit 2, one line, nothing stored. Both databases.
"""

from __future__ import annotations

import pytest
from icalendar import Calendar
from sqlalchemy import create_engine, func, select, update

from calendar_app import feeds as feed_service
from calendar_app.app import App
from events.bounds import MAX_INT, MAX_RETENTION_DAYS
from exports.errors import ConfidentialNeedsPrivate, InvalidFeedColor, KeepDaysOutOfRange
from exports.feeds import FeedSpec, checked_color, color_name
from exports.models import Feed
from tests.cli_helpers import Outcome, run
from tests.conftest import NOW
from tests.server_helpers import feed_bytes

BAD_FEEDS: list[tuple[list[str], str]] = [
    (["--keep-cancelled", "99999999999999"], "--keep-cancelled"),
    (["--keep-cancelled", str(MAX_RETENTION_DAYS + 1)], "--keep-cancelled"),
    (["--keep-cancelled", str(MAX_INT)], "--keep-cancelled"),
    (["--keep-cancelled", "-1"], "--keep-cancelled"),
    (["--color", "reddish"], "colour"),
    (["--color", "#abcd"], "colour"),
    (["--color", "#gggggg"], "colour"),
    (["--color", "#1234567"], "colour"),
    (["--color", "red;X-INJECTED:1"], "colour"),
    (["--color", "red\r\nX-INJECTED:1"], "control character"),  # refused before the colour is read
    (["--color", "rebeccapurple"], "colour"),  # CSS4, not CSS3
    (["--color", "rgb(1,2,3)"], "colour"),
    (["--alarm", "99999999d"], "--alarm"),
    (["--alarm", "367d"], "--alarm"),
    (["--visibility", "confidential"], "--private"),
    (["--visibility", "public", "--visibility", "confidential"], "--private"),
    (["--description", "a\x01b"], "control character"),
    (["--description", "\x1b[31mred"], "control character"),
    (["--description", "x" * 20_001], "shorten"),
    (["--partner", "UN\x0bWomen"], "control character"),
    (["--programme", "Phase\x7f2"], "control character"),
]


def _feeds(db: str) -> int:
    engine = create_engine(db)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(Feed)).scalar_one()
    engine.dispose()
    return int(count)


def _one_line(outcome: Outcome, *words: str) -> None:
    assert outcome.code == 2, (outcome.code, outcome.stdout, outcome.stderr)
    assert outcome.stderr.count("\n") == 1 and "Traceback" not in outcome.stderr, outcome.stderr
    for word in words:
        assert word in outcome.stderr, outcome.stderr


@pytest.mark.parametrize(("extra", "word"), BAD_FEEDS, ids=[" ".join(a)[:40] for a, _ in BAD_FEEDS])
def test_bad_feed_settings_are_refused_and_nothing_stored(store_url: str, extra: list[str], word: str) -> None:
    assert run(store_url, "feed", "add", "fine").code == 0
    _one_line(run(store_url, "feed", "add", "pub", *extra), word)
    assert _feeds(store_url) == 1


def test_export_keep_cancelled_out_of_range(store_url: str) -> None:
    _one_line(run(store_url, "export", "--keep-cancelled", "99999999999999"), "--keep-cancelled")


def test_good_settings_are_normalised(app: App) -> None:
    teal = feed_service.add_feed(FeedSpec("teal", color=" Teal "), app=app, now=NOW)
    assert teal.as_json()["name"] == "teal"
    feed_service.add_feed(FeedSpec("hex", color="#ABC", cancelled_days=MAX_RETENTION_DAYS, alarms=["366d"]),
                          app=app, now=NOW)
    feed_service.add_feed(FeedSpec("staff", private=True, visibilities=["confidential"]), app=app, now=NOW)
    assert checked_color("#ABC") == "#aabbcc"
    for name, colour in (("teal", "teal"), ("hex", color_name("#aabbcc"))):
        calendar = Calendar.from_ical(feed_bytes(app, name))
        assert str(calendar["COLOR"]) == colour
    assert color_name("#aabbcc") == "lightsteelblue"


def test_service_errors_are_typed(app: App) -> None:
    with pytest.raises(KeepDaysOutOfRange):
        feed_service.add_feed(FeedSpec("a", cancelled_days=10**14), app=app, now=NOW)
    with pytest.raises(InvalidFeedColor):
        feed_service.add_feed(FeedSpec("a", color="blurple"), app=app, now=NOW)
    with pytest.raises(ConfidentialNeedsPrivate):
        feed_service.add_feed(FeedSpec("a", visibilities=["confidential"]), app=app, now=NOW)


def test_a_feed_stored_before_the_checks_still_serves(app: App) -> None:
    """Rows written by an older version: the days are capped and an unknown colour is left out."""
    feed_service.add_feed(FeedSpec("old"), app=app, now=NOW)
    with app.store.engine.begin() as connection:
        connection.execute(update(Feed).values(cancelled_days=MAX_INT, color="not a colour\r\nX-BAD:1"))
    data = feed_bytes(app, "old")  # checked line by line by the strict checker
    assert b"COLOR" not in data and b"X-BAD" not in data
