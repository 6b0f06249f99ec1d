"""The RSVP pages (issue 12): `GET /rsvp/TOKEN` shows the invitation in the participant's language and zone
with the answer of the link preselected; `POST /rsvp/TOKEN` records the answer and a comment.

A GET never changes anything, so a mail system's link scanner cannot answer for anyone. The POST must come
from the form: it carries a nonce made from the token itself and the time the form was shown (an HMAC keyed
with the token, valid for a day), and a request whose `Origin` names another site is refused. An unknown,
tampered, revoked or expired token answers the same plain 404 as any unknown URL.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from calendar_app.db import read_session, write_session
from calendar_app.history.tracking import PARTICIPANT, RSVP_ACTOR, participant_state
from calendar_app.notify.messages import Person, when
from calendar_app.people.rsvp_texts import texts
from calendar_app.web.answers import NOT_FOUND, plain
from calendar_app.web.cache import FeedCache
from calendar_app.web.database import StoreWatch
from calendar_app.web.pages import security_headers, stylesheet, templates
from events.errors import CalendarAppError
from events.history.record import record_change
from events.people.rsvp import LINK_ANSWERS, Link, deadline_of, open_link, record_answer, token_hash

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,100}")
FORM_VALID = timedelta(days=1)
MAX_BODY = 16_384
ANSWERS = tuple(a.value for a in LINK_ANSWERS)
KindDefaults = Callable[[], Any]


def form_nonce(token: str, shown: datetime) -> str:
    """The nonce of a form shown at `shown` for `token`: its time and an HMAC keyed with the token."""
    stamp = str(int(shown.timestamp()))
    return f"{stamp}.{hmac.new(token.encode(), f'rsvp-form:{stamp}'.encode(), hashlib.sha256).hexdigest()[:32]}"


def nonce_ok(token: str, nonce: str, now: datetime) -> bool:
    stamp, _, _ = nonce.partition(".")
    if not stamp.isdigit() or len(stamp) > 12:
        return False
    shown = datetime.fromtimestamp(int(stamp), tz=now.tzinfo)
    fresh = timedelta() <= now - shown + timedelta(minutes=5) <= FORM_VALID + timedelta(minutes=5)
    return fresh and hmac.compare_digest(form_nonce(token, shown), nonce)


def _person(link: Link) -> Person:
    return Person(link.contact.name, link.participant.language or link.contact.language, link.contact.timezone)


def _headers() -> dict[str, str]:
    """The pages' headers, the form allowed to post to this server only; never cached."""
    headers = security_headers()
    policy = headers["content-security-policy"].replace("form-action 'none'", "form-action 'self'")
    return {**headers, "content-security-policy": policy, "cache-control": "no-store"}


def answer_page(link: Link, token: str, *, now: datetime, chosen: str, rsvp_by: datetime | None,
                organiser: str | None) -> str:
    person = _person(link)
    event = link.event
    css, _ = stylesheet()
    return templates().get_template("rsvp.html").render(
        lang=person.language, t=texts(person.language), event=event, name=person.name,
        start=when(event.start_utc, person, all_day=event.all_day), organiser=organiser,
        rsvp_by=when(rsvp_by, person) if rsvp_by else None, answers=ANSWERS, chosen=chosen,
        comment=link.participant.comment or "", nonce=form_nonce(token, now), action=f"/rsvp/{token}",
        stylesheet=css)


def done_page(link: Link, *, heading: str, message: str) -> str:
    person = _person(link)
    css, _ = stylesheet()
    return templates().get_template("rsvp_done.html").render(
        lang=person.language, heading=heading, message=message, event=link.event,
        start=when(link.event.start_utc, person, all_day=link.event.all_day), stylesheet=css)


def _same_origin(request: Request) -> bool:
    """False when the browser says the form was posted from another site."""
    origin = request.headers.get("origin")
    if origin is not None and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        return False
    return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


@dataclass(frozen=True)
class _Page:
    generation: int
    expires: datetime
    status_headers: list[tuple[bytes, bytes]]
    body: bytes
    raw_headers: bytes  # the same headers as lines, for the server's front protocol (`calendar_app.web.quick`)


class RsvpPages:
    """Answer pages already shown, by token hash, so a repeated GET (a person opening the link again, a
    link scanner) is a dictionary lookup. A page is kept only while the database fingerprint of the feed
    cache (`FeedCache.refresh`, at most `check_interval` old) is the one it was built under: removing the
    participant or deleting the event changes it, so a revoked link is never answered from memory; it also
    goes when the event ends and after `PAGE_KEPT` (its form's nonce stays well within `FORM_VALID`)."""

    PAGE_KEPT = timedelta(hours=1)
    MAX_PAGES = 10_000

    def __init__(self, cache: FeedCache, clock: Callable[[], datetime]) -> None:
        self.cache, self.clock = cache, clock
        self.pages: dict[str, _Page] = {}

    @staticmethod
    def is_token_path(path: str) -> bool:
        return path.startswith("/rsvp/") and _TOKEN.fullmatch(path[len("/rsvp/"):]) is not None

    async def answer(self, scope: Any, send: Any) -> bool:
        """Send the kept page of a GET/HEAD `/rsvp/TOKEN`; False when there is none (build it)."""
        token = scope["path"][len("/rsvp/"):]
        if not _TOKEN.fullmatch(token):
            return False
        await self.cache.refresh()
        page = self.pages.get(token_hash(token))
        if page is None or page.generation != self.cache.generation or self.clock() >= page.expires:
            return False
        await send({"type": "http.response.start", "status": 200, "headers": page.status_headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else page.body})
        return True

    def answer_now(self, method: bytes, path: str) -> tuple[int, bytes, bytes] | None:
        """The kept page of a GET/HEAD `/rsvp/TOKEN` if memory may answer it now (the database looked at
        within the interval), as the front protocol sends it; None: the full path answers."""
        token = path[len("/rsvp/"):]
        if not self.cache.looked_lately() or not _TOKEN.fullmatch(token):
            return None
        page = self.pages.get(token_hash(token))
        if page is None or page.generation != self.cache.generation or self.clock() >= page.expires:
            return None
        return 200, page.raw_headers, b"" if method == b"HEAD" else page.body

    def keep(self, token: str, generation: int, expires: datetime, html: str) -> None:
        if generation != self.cache.generation:
            return  # the database changed while the page was built
        if len(self.pages) >= self.MAX_PAGES:
            self.pages.clear()
        body = html.encode()
        headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                   *((k.encode(), v.encode()) for k, v in _headers().items())]
        raw = b"".join(b"%s: %s\r\n" % pair for pair in headers)
        self.pages[token_hash(token)] = _Page(generation, expires, headers, body, raw)


async def _bounded_body(request: Request) -> bytes | None:
    """The form's body, or None when it is larger than a form of ours can be (read no further)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return body


def rsvp_endpoint(engine: Engine, *, watch: StoreWatch, clock: Callable[[], datetime],
                  kind_defaults: KindDefaults, pages: RsvpPages | None = None) -> Callable[[Request], Any]:
    async def rsvp(request: Request) -> Response:
        token = request.path_params["token"]
        if not _TOKEN.fullmatch(token):
            return NOT_FOUND.response()
        if request.method == "POST":
            body = await _bounded_body(request)
            if body is None:
                return plain(413, "Too large\n").response()
            return await _run(lambda: _post(request, token, body))
        generation = -1
        if pages is not None:
            await pages.cache.refresh()
            generation = pages.cache.generation
        return await _run(lambda: _get(token, generation))

    async def _run(work: Callable[[], Response]) -> Response:
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(work)

    def _get(token: str, generation: int) -> Response:
        watch.check()
        now = clock()
        with read_session(engine) as session:
            link = open_link(token, session=session, now=now)
            if link is None:
                return NOT_FOUND.response()
            from events.notify.organizer import organizer_of

            found = organizer_of(link.event.organizer, session=session)
            organiser = (found.name or found.address) if found else None
            page = answer_page(link, token, now=now, chosen=link.token.answer,
                               rsvp_by=deadline_of(link.event.id or 0, session=session), organiser=organiser)
            if pages is not None:
                pages.keep(token, generation, min(link.event.end_utc, now + pages.PAGE_KEPT), page)
        return HTMLResponse(page, headers=_headers())

    def _post(request: Request, token: str, body: bytes) -> Response:
        watch.check()
        now = clock()
        try:
            fields = dict(parse_qsl(body.decode("utf-8"), max_num_fields=10))
        except (UnicodeDecodeError, ValueError):
            return plain(400, "Bad form\n").response()
        with write_session(engine) as session:
            link = open_link(token, session=session, now=now)
            if link is None:
                return NOT_FOUND.response()
            words = texts(_person(link).language)
            if not _same_origin(request) or not nonce_ok(token, fields.get("nonce", ""), now):
                return plain(403, words["bad_form"] + "\n").response()
            answer = fields.get("answer", "")
            if answer not in ANSWERS:
                return plain(400, "Bad form\n").response()
            try:
                before = participant_state(link.participant)
                assert link.participant.id is not None
                record_answer(link, answer, fields.get("comment"), session=session, now=now)
                record_change(session, PARTICIPANT, link.participant.id, before, participant_state(link.participant),
                              actor=RSVP_ACTOR, command="rsvp page", now=now)
            except CalendarAppError as error:
                return plain(400, f"{error}\n").response()
            from events.notify.reminders import sync_event

            sync_event(link.event, kind_defaults(), session=session, now=now)
            page = done_page(link, heading=words["thanks_title"], message=words["thanks"].format(answer=words[answer]))
        return HTMLResponse(page, headers=_headers())

    return rsvp
