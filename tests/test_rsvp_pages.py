"""RSVP without an account, over HTTP from a real `calendar-app serve` (issue 12), on both databases:
invite -> mail in Kyrgyz with three links -> GET shows the page -> POST accept -> `participant list` shows
accepted -> the organiser's private attendee feed shows PARTSTAT=ACCEPTED. A link scanner's GET changes
nothing; tampered, expired and revoked tokens answer the plain 404 of any unknown URL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar

from calendar_app import feeds as feed_service
from calendar_app.app import App
from calendar_app.people import services as people
from events.people.rsvp import mint_tokens, open_link
from exports.feeds import FeedSpec
from tests.cli_helpers import row_counts, run
from tests.html_checks import accessibility_problems
from tests.rsvp_helpers import NOW, invited_event, later, links_of, send_due, text_of
from tests.server_helpers import running_server, serving
from tests.smtp_sink import smtp_sink

NONCE = re.compile(r'name="nonce" value="([^"]+)"')


def _partstat(data: bytes, address: str) -> str:
    for event in Calendar.from_ical(data).walk("VEVENT"):
        for attendee in event.get("attendee", []):
            if str(attendee).lower() == f"mailto:{address}":
                return str(attendee.params["PARTSTAT"])
    raise AssertionError(f"no ATTENDEE {address}")


def _status(app: App, event_id: int, address: str) -> str:
    listed = run(app.settings.db_url, "participant", "list", str(event_id), "--json").json()
    return str(next(p["status"] for p in listed if p["email"] == address))


def test_answer_by_link_round_trip(app: App) -> None:
    event_id, emails = invited_event(app)
    ky_address = emails[1]
    feed = feed_service.add_feed(FeedSpec("organisers", private=True, attendees=True), app=app, now=NOW)
    assert feed.url is not None
    with serving(app.settings.db_url, options=["--no-reminders"]) as (client, output):
        base = str(client.base_url).rstrip("/")
        with smtp_sink() as (sink, smtp_port):
            assert send_due(app, smtp_port, later(0.1), public_url=base).sent == 4
        ky = next(m for m in sink.mails if str(m["Content-Language"]) == "ky")
        assert "Чакыруу" in str(ky["Subject"]) and "Сиз бул иш-чарага чакырылдыңыз" in text_of(ky)
        (accept_url, accept), (_, maybe), (_, decline) = links_of(ky)
        assert accept_url.startswith(base + "/rsvp/")
        before = row_counts(app.settings.db_url)
        page = client.get(f"/rsvp/{accept}")
        assert page.status_code == 200
        html = page.text
        assert '<html lang="ky">' in html and "Тегерек стол" in html and "Жоопту жөнөтүү" in html
        assert re.search(r'value="accepted" checked', html)
        assert "Asia/Bishkek" in html and "декабрь" in html  # the participant's zone, dates by Babel
        assert accessibility_problems(html) == []
        csp = page.headers["content-security-policy"]
        assert "form-action 'self'" in csp and "script-src" not in csp and "default-src 'none'" in csp
        assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
        # Link scanners fetch every link of a mail: GET and HEAD change nothing.
        for token in (accept, maybe, decline):
            assert client.get(f"/rsvp/{token}").status_code == 200
            assert client.head(f"/rsvp/{token}").status_code == 200
        assert row_counts(app.settings.db_url) == before and _status(app, event_id, ky_address) == "needs-action"
        nonce = NONCE.search(html)
        assert nonce is not None
        # A POST without the form's nonce, or from another site, is refused and changes nothing.
        assert client.post(f"/rsvp/{accept}", data={"answer": "accepted"}).status_code == 403
        assert client.post(f"/rsvp/{accept}", data={"answer": "accepted", "nonce": nonce.group(1)},
                           headers={"Origin": "https://evil.example"}).status_code == 403
        assert client.post(f"/rsvp/{maybe}", data={"answer": "accepted", "nonce": nonce.group(1)}).status_code == 403
        huge = client.post(f"/rsvp/{accept}", content=b"comment=" + b"x" * 20_000,
                           headers={"content-type": "application/x-www-form-urlencoded"})
        assert huge.status_code == 413
        assert _status(app, event_id, ky_address) == "needs-action" and row_counts(app.settings.db_url) == before
        done = client.post(f"/rsvp/{accept}", data={"answer": "accepted", "nonce": nonce.group(1),
                                                     "comment": "Келем, рахмат!"})
        assert done.status_code == 200 and "Рахмат" in done.text and "Ооба, келем" in done.text
        assert accessibility_problems(done.text) == []
        assert _status(app, event_id, ky_address) == "accepted"
        recorded = run(app.settings.db_url, "history", "--entity", "participant", "--json").json()
        answered = [c for c in recorded if c["command"] == "rsvp page"]
        assert len(answered) == 1 and answered[0]["actor"] == "RSVP link"
        assert answered[0]["changes"]["status"] == {"from": "needs-action", "to": "accepted"}
        listed = run(app.settings.db_url, "participant", "list", str(event_id), "--json").json()
        assert next(p["comment"] for p in listed if p["email"] == ky_address) == "Келем, рахмат!"
        served = client.get(urlsplit(feed.url).path)
        assert served.status_code == 200 and _partstat(served.content, ky_address) == "ACCEPTED"
        # Tampered, revoked and unknown tokens: the same plain 404 as any unknown URL.
        unknown = client.get("/no/such/page")
        tampered = client.get(f"/rsvp/{accept[:-1]}{'A' if accept[-1] != 'A' else 'B'}")
        assert (tampered.status_code, tampered.content) == (404, unknown.content)
        people.remove_participant(str(event_id), ky_address, app=app, now=later(2))
        revoked = client.get(f"/rsvp/{accept}")
        assert (revoked.status_code, revoked.content) == (404, unknown.content)
        posted = client.post(f"/rsvp/{accept}", data={"answer": "declined", "nonce": nonce.group(1)})
        assert (posted.status_code, posted.content) == (404, unknown.content)
        for bad in ("/rsvp/", "/rsvp/%00abc", "/rsvp/" + "A" * 5000, "/rsvp/..%2f..%2fetc", "/rsvp/x%0d%0aSet-Cookie:x",
                    f"/rsvp/{accept}%00", f"/rsvp/{accept}/", "/rsvp/%ff%fe" + "A" * 30):
            for method in ("GET", "POST"):
                answer = client.request(method, bad, data={"answer": "accepted", "nonce": nonce.group(1)})
                assert (answer.status_code, answer.content) == (404, unknown.content), (method, bad)
        assert accept not in output.text() and "/rsvp/***" in output.text()  # the access log hides tokens


def test_expired_token_is_404_after_the_event_ends(app: App) -> None:
    event_id, _ = invited_event(app, count=1)
    from sqlmodel import select

    from events.people.models import Participant

    with app.write() as session:
        participant = session.exec(select(Participant)).first()
        assert participant is not None and participant.id is not None
        tokens = mint_tokens(participant.id, session=session, now=NOW)
    with app.read() as session:
        link = open_link(tokens["accepted"], session=session, now=NOW)
        assert link is not None and link.event.id == event_id
        end = link.event.end_utc
        assert open_link(tokens["accepted"], session=session, now=end - timedelta(seconds=1)) is not None
        assert open_link(tokens["accepted"], session=session, now=end) is None
        assert open_link(tokens["accepted"][:-2], session=session, now=NOW) is None


def test_expired_token_over_http(app: App) -> None:
    """An event of 2019 has long ended whatever the machine's clock says: its link is a plain 404."""
    from calendar_app import services
    from events.drafts import NewEventDraft
    from events.people.models import Participant

    past = services.add_event(NewEventDraft(title="Өткөн жыйын", kind="meeting", start="2019-12-16 10:00",
                                            duration="2h", tz="Asia/Bishkek"), app=app, now=NOW)
    people.invite(str(past.view.id), ["Айгүл <aigul@example.kg>"], app=app, now=NOW, send=False)
    with app.write() as session:
        from sqlmodel import select

        participant = session.exec(select(Participant)).first()
        assert participant is not None and participant.id is not None
        token = mint_tokens(participant.id, session=session, now=datetime(2019, 12, 1, tzinfo=UTC))["accepted"]
    with running_server(app.settings.db_url, options=["--no-reminders"]) as client:
        unknown = client.get("/nothing-here")
        expired = client.get(f"/rsvp/{token}")
        assert (expired.status_code, expired.content) == (404, unknown.content)
