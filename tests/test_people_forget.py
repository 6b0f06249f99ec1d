"""`contact forget ADDRESS`: the person leaves the store (and, on SQLite, the files), the counts stay."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from calendar_app import services
from calendar_app.app import App
from calendar_app.people import services as people
from calendar_app.people.forget import forget
from calendar_app.people.report import participants_report
from events.people.report import report_json
from tests.cli_helpers import run
from tests.conftest import NOW
from tests.people_fixture import WOMEN, build_round_table, email_of
from tests.server_helpers import feed_bytes

ADDRESS = email_of(3, "w")  # Жылдыз Бекова: attended, a woman
NAME = WOMEN[3]
ORGANISATION = "Бишкек шаардык кеңеши"


def _figures(app: App, event: int) -> tuple[int | None, int | None, int | None]:
    view = services.show_event(str(event), app=app)
    return view.participants_actual, view.participants_women, view.participants_men


def _stored_bytes(tmp_path: Path) -> bytes:
    """Every file SQLite keeps the store in: the database, its write-ahead log and shared memory."""
    return b"".join(p.read_bytes() for p in tmp_path.glob("calendar.db*"))


def _add_delivery_to(app: App, event: int, address: str) -> None:
    from events.notify.contacts import find_contact
    from events.notify.models import Delivery

    with app.write() as session:
        contact = find_contact(address, session=session)
        session.add(Delivery(event_id=event, contact_id=contact.id, rule_key="start-1d", address=address,
                             event_start_utc=NOW, due_utc=NOW, ready_utc=NOW, status="sent", sent_at=NOW,
                             created_at=NOW, updated_at=NOW))


def test_forget_keeps_the_counts_and_erases_the_person(app: App, tmp_path: Path) -> None:
    ids = build_round_table(app, tmp_path)
    event = ids["round_table"]
    _add_delivery_to(app, event, ADDRESS)
    assert _figures(app, event) == (17, 12, 5)
    done = forget(ADDRESS.upper(), app=app, now=NOW)
    assert done["participant_rows"] == 1 and done["deliveries"] == 1 and done["events"] == [event]
    assert _figures(app, event) == (17, 12, 5)
    rows = people.list_participants(str(event), app=app)
    assert len(rows) == 20
    gone = [r for r in rows if r["forgotten"]]
    assert len(gone) == 1 and gone[0]["name"] is None and gone[0]["email"] is None
    assert (gone[0]["sex"], gone[0]["attended"], gone[0]["organisation"]) == ("woman", True, None)
    report = report_json(participants_report("2019-12-16", "2019-12-16", None, app=app, now=NOW))
    assert (report["total"]["participants"], report["total"]["women"]) == (17, 12)
    with app.store.engine.connect() as connection:
        for table in ("contact", "participant", "delivery", "event", "rendered_event", "task"):
            text = " ".join(str(row) for row in connection.execute(sa.text(f"SELECT * FROM {table}")))
            assert ADDRESS not in text and NAME not in text, table
        address = connection.execute(sa.text("SELECT address FROM delivery")).scalar_one()
    assert address == "(forgotten)"


def test_forget_leaves_no_trace_in_the_sqlite_files(sqlite_app: App, tmp_path: Path) -> None:
    from calendar_app import feeds as feed_service
    from exports.feeds import FeedSpec

    ids = build_round_table(sqlite_app, tmp_path)
    feed_service.add_feed(FeedSpec("organisers", private=True, attendees=True), app=sqlite_app, now=NOW)
    assert ADDRESS.encode() in feed_bytes(sqlite_app, "organisers")  # rendered and cached with the person
    stored = _stored_bytes(tmp_path)
    assert ADDRESS.encode() in stored and NAME.encode() in stored
    out = run(sqlite_app.settings.db_url, "contact", "forget", ADDRESS, "--json")
    assert out.code == 0 and out.json()["participant_rows"] == 1
    stored = _stored_bytes(tmp_path)
    assert ADDRESS.encode() not in stored and NAME.encode() not in stored
    assert email_of(2, "w").encode() in stored  # the others are still there
    assert ADDRESS.encode() not in feed_bytes(sqlite_app, "organisers")
    assert _figures(sqlite_app, ids["round_table"]) == (17, 12, 5)


def test_forget_an_unknown_address_is_not_found(sqlite_url: str) -> None:
    out = run(sqlite_url, "contact", "forget", "nobody@example.kg")
    assert out.code == 1 and out.stderr.startswith("error: no contact") and out.stderr.count("\n") == 1
