"""Replies by e-mail (iTIP `METHOD:REPLY`, RFC 5546 3.2.3) read from an `.eml` or an `.ics` (issue 12).

Pure: bytes in, answers out. An `.eml` is parsed with the `email` package and its `text/calendar` part
taken (the first one with METHOD:REPLY); the calendar is parsed with icalendar. A reply names the event by
UID and carries one ATTENDEE with its PARTSTAT (and maybe a COMMENT).
"""

from __future__ import annotations

from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

from icalendar import Calendar

from events.errors import N_, Notice, Words
from events.people.errors import UnreadableReply

PARTSTATS = {"ACCEPTED": "accepted", "TENTATIVE": "tentative", "DECLINED": "declined",
             "NEEDS-ACTION": "needs-action", "DELEGATED": "delegated"}
MAX_REPLY_BYTES = 5_000_000


@dataclass(frozen=True)
class Reply:
    uid: str
    address: str
    status: str
    comment: str | None


def _calendar_part(data: bytes, source: str) -> bytes:
    """The `text/calendar` part of an e-mail."""
    mail = message_from_bytes(data, policy=policy.default)
    assert isinstance(mail, EmailMessage)
    for part in mail.walk():
        if part.get_content_type() == "text/calendar":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload.strip():
                return payload
    raise UnreadableReply(source, Words(N_("the e-mail has no text/calendar part")))


def read_reply(data: bytes, source: str) -> list[Reply]:
    """The answers in a reply: one per VEVENT (a series' overrides are answered as the series)."""
    if len(data) > MAX_REPLY_BYTES:
        raise UnreadableReply(source, Notice(N_("it is larger than {size} MB"), size=MAX_REPLY_BYTES // 1_000_000))
    if not data.lstrip().upper().startswith(b"BEGIN:VCALENDAR"):
        data = _calendar_part(data, source)
    try:
        calendar = Calendar.from_ical(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UnreadableReply(source, Words(N_("it is not UTF-8 text"))) from None
    except ValueError as error:
        raise UnreadableReply(source, Notice(N_("it is not iCalendar ({problem})"),
                                             problem=str(error).splitlines()[0][:80])) from None
    method = str(calendar.get("METHOD", "")).upper()
    if method != "REPLY":
        raise UnreadableReply(source, Notice(N_("its METHOD is {method}, not REPLY"),
                                             method=method or Words(N_("missing"))))
    replies = []
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("UID", "")).strip()
        attendees = event.get("ATTENDEE")
        if not uid or attendees is None:
            raise UnreadableReply(source, Words(N_("a VEVENT has no UID or no ATTENDEE")))
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            address = str(attendee).strip()
            if not address.lower().startswith("mailto:") or "@" not in address:
                raise UnreadableReply(source, Notice(N_("the ATTENDEE {address!r} is not a mailto: address"),
                                                     address=address[:80]))
            partstat = str(attendee.params.get("PARTSTAT", "")).upper()
            if partstat not in PARTSTATS:
                raise UnreadableReply(source, Notice(N_("PARTSTAT {value} is not an answer"),
                                                     value=partstat[:40] or Words(N_("(none)"))))
            comment = event.get("COMMENT")
            replies.append(Reply(uid, address[7:].strip(), PARTSTATS[partstat],
                                 str(comment).strip() if comment is not None else None))
    if not replies:
        raise UnreadableReply(source, Words(N_("it holds no VEVENT")))
    return replies
