"""Messages to people in their language (mn, ky, ru, en) and time zone, with dates from Babel's CLDR data.

The event's own texts (title, location, description) go out untouched; only our frame is translated. A
reminder of a tentative event says it is tentative; a postponement notice tells those already reminded.
`compose_email` builds the full e-mail: text and HTML alternatives, the event as `.ics`, and a
`Message-ID` derived from the delivery so a receiver can recognise a resend.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime as rfc2822_date
from email.utils import formataddr

from babel.dates import format_date, format_time, format_timedelta

from calendar_app.notify.addressee import Person, Rsvp
from events.notify.models import message_id
from events.notify.organizer import Organizer
from events.people.models import ical_role
from events.timeparse import zone
from events.views import EventView
from exports.invite import build_invite

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "reminder": "Reminder: {title}", "cancellation": "Cancelled: {title}", "task": "Task due: {task}",
        "starts": "Starts {relative}: {when}", "started": "Started: {when}", "ends": "Ends: {when}",
        "location": "Location", "reason": "Reason", "event": "Event", "due": "Due",
        "cancelled_note": "This event has been cancelled. Please remove it from your calendar.",
        "postponement": "Postponed: {title}", "reminder_tentative": "Reminder (tentative): {title}",
        "postponed_note": "This event has been postponed. You will be told the new date; until then there will be "
                          "no reminders.",
        "tentative_note": "This event is tentative: its date or time may still change.",
        "hello": "Hello {name},",
        "footer": "Sent by calendar-app. The attached .ics updates your calendar.",
    },
    "ru": {
        "reminder": "Напоминание: {title}", "cancellation": "Отменено: {title}", "task": "Задача: {task}",
        "starts": "Начало {relative}: {when}", "started": "Началось: {when}", "ends": "Окончание: {when}",
        "location": "Место", "reason": "Причина", "event": "Мероприятие", "due": "Срок",
        "cancelled_note": "Мероприятие отменено. Пожалуйста, удалите его из своего календаря.",
        "postponement": "Перенесено: {title}", "reminder_tentative": "Напоминание (предварительно): {title}",
        "postponed_note": "Мероприятие перенесено. Мы сообщим новую дату; до тех пор напоминаний не будет.",
        "tentative_note": "Мероприятие запланировано предварительно: дата или время ещё могут измениться.",
        "hello": "Здравствуйте, {name}!",
        "footer": "Отправлено calendar-app. Вложенный файл .ics обновит ваш календарь.",
    },
    "mn": {
        "reminder": "Сануулга: {title}", "cancellation": "Цуцлагдсан: {title}", "task": "Даалгавар: {task}",
        "starts": "Эхлэх хугацаа ({relative}): {when}", "started": "Эхэлсэн: {when}", "ends": "Дуусах: {when}",
        "location": "Байршил", "reason": "Шалтгаан", "event": "Арга хэмжээ", "due": "Хугацаа",
        "cancelled_note": "Энэ арга хэмжээ цуцлагдлаа. Хуанлиасаа устгана уу.",
        "postponement": "Хойшлуулсан: {title}", "reminder_tentative": "Сануулга (урьдчилсан): {title}",
        "postponed_note": "Энэ арга хэмжээг хойшлууллаа. Шинэ огноог мэдэгдэнэ; тэр хүртэл сануулга ирэхгүй.",
        "tentative_note": "Энэ арга хэмжээ урьдчилсан төлөвлөгөөтэй: огноо, цаг нь өөрчлөгдөж болзошгүй.",
        "hello": "Сайн байна уу, {name}.",
        "footer": "calendar-app илгээв. Хавсаргасан .ics файл таны хуанлийг шинэчилнэ.",
    },
    "ky": {
        "reminder": "Эскертме: {title}", "cancellation": "Жокко чыгарылды: {title}", "task": "Тапшырма: {task}",
        "starts": "Башталышы ({relative}): {when}", "started": "Башталды: {when}", "ends": "Аякташы: {when}",
        "location": "Өтүүчү жери", "reason": "Себеби", "event": "Иш-чара", "due": "Мөөнөтү",
        "cancelled_note": "Бул иш-чара жокко чыгарылды. Аны календарыңыздан өчүрүп салыңыз.",
        "postponement": "Кийинкиге калтырылды: {title}", "reminder_tentative": "Эскертме (алдын ала): {title}",
        "postponed_note": "Бул иш-чара кийинкиге калтырылды. Жаңы күнү билдирилет; ага чейин эскертмелер келбейт.",
        "tentative_note": "Бул иш-чара алдын ала пландалган: күнү же убактысы өзгөрүшү мүмкүн.",
        "hello": "Саламатсызбы, {name}!",
        "footer": "calendar-app жөнөттү. Тиркелген .ics файлы календарыңызды жаңыртат.",
    },
}


INVITING = ("invitation", "invitation_update", "rsvp_nudge")


@dataclass(frozen=True)
class Message:
    subject: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    @property
    def html(self) -> str:
        body = "".join(f"<p>{html.escape(line)}</p>" for line in self.lines if line)
        return f'<!doctype html><html><head><meta charset="utf-8"></head><body>{body}</body></html>'


def when(instant: datetime, person: Person, *, all_day: bool = False) -> str:
    """A date and time in the person's zone and language, with the zone named."""
    local = instant.astimezone(zone(person.timezone))
    day = format_date(local, "full", locale=person.language)
    if all_day:
        return day
    clock = format_time(local, "short", locale=person.language)
    offset = local.strftime("%z")
    return f"{day}, {clock} ({person.timezone}, UTC{offset[:3]}:{offset[3:]})"


def _invitation(purpose: str, event: EventView, person: Person, rsvp: Rsvp | None) -> Message:
    """An invitation, an update of one, a nudge to answer, or a CANCEL to a participant."""
    from calendar_app.people.rsvp_texts import texts as rsvp_texts

    texts, words = TEXTS.get(person.language, TEXTS["en"]), rsvp_texts(person.language)
    lines = [texts["hello"].format(name=person.name), ""]
    start = when(event.start, person, all_day=event.all_day)
    if purpose == "invitation_cancel":
        cancelled = event.status == "cancelled"
        subject = (texts["cancellation"] if cancelled else words["withdrawn"]).format(title=event.title)
        lines += [texts["cancelled_note"] if cancelled else words["withdrawn_note"], f"{texts['event']}: {event.title}",
                  start, "", texts["footer"]]
        return Message(subject, tuple(lines))
    subject = words[purpose].format(title=event.title)
    if purpose == "invitation_update":
        lines += [words["update_note"], ""]
    if purpose == "rsvp_nudge":
        lines += [words["nudge_note"], ""]
    lines += [event.title, f"{words['when']}: {start}"]
    if not event.all_day:
        lines.append(texts["ends"].format(when=when(event.end, person)))
    if event.location:
        lines.append(f"{texts['location']}: {event.location}")
    if rsvp is not None:
        lines += ["", words["invited_note"].format(role=words.get(rsvp.role, rsvp.role))]
        if rsvp.rsvp_by is not None:
            lines.append(words["rsvp_by"].format(when=when(rsvp.rsvp_by, person)))
        if rsvp.links:
            lines += ["", words["answer_prompt"]]
            lines += [f"{words[answer]}: {url}" for answer, url in rsvp.links]
    if event.description:
        lines += ["", event.description]
    lines += ["", texts["footer"]]
    return Message(subject, tuple(lines))


def render(purpose: str, event: EventView, person: Person, *, now: datetime, task: str | None = None,
           task_due: datetime | None = None, rsvp: Rsvp | None = None) -> Message:
    if purpose in (*INVITING, "invitation_cancel"):
        return _invitation(purpose, event, person, rsvp)
    texts = TEXTS.get(person.language, TEXTS["en"])
    lines = [texts["hello"].format(name=person.name), ""]
    start = when(event.start, person, all_day=event.all_day)
    if purpose == "task":
        subject = texts["task"].format(task=task or "")
        lines += [f"{texts['due']}: {when(task_due or now, person)}", f"{texts['event']}: {event.title}",
                  texts["starts"].format(relative=_relative(event.start, now, person), when=start)]
    elif purpose == "cancellation":
        subject = texts["cancellation"].format(title=event.title)
        lines += [texts["cancelled_note"], f"{texts['event']}: {event.title}", start]
        if event.cancel_reason:
            lines.append(f"{texts['reason']}: {event.cancel_reason}")
    elif purpose == "postponement":
        subject = texts["postponement"].format(title=event.title)
        lines += [texts["postponed_note"], f"{texts['event']}: {event.title}", start]
    else:
        tentative = event.status == "tentative"
        subject = texts["reminder_tentative" if tentative else "reminder"].format(title=event.title)
        lines += [event.title, texts["starts"].format(relative=_relative(event.start, now, person), when=start)]
        if not event.all_day:
            lines.append(texts["ends"].format(when=when(event.end, person)))
        if tentative:
            lines.append(texts["tentative_note"])
    if event.location:
        lines.append(f"{texts['location']}: {event.location}")
    if purpose not in ("cancellation", "postponement") and event.description:
        lines += ["", event.description]
    lines += ["", texts["footer"]]
    return Message(subject, tuple(lines))


def _relative(start: datetime, now: datetime, person: Person) -> str:
    return format_timedelta(start - now, add_direction=True, threshold=1, locale=person.language)


def compose_email(
    purpose: str, event: EventView, person: Person, *, address: str, delivery_id: int, mail_from: str,
    now: datetime, task: str | None = None, task_due: datetime | None = None, organizer: Organizer | None = None,
    rsvp: Rsvp | None = None,
) -> EmailMessage:
    """The e-mail of one delivery. Reminders and cancellations carry the event as `.ics` (exports.invite):
    an iTIP REQUEST / CANCEL from `organizer` (the event's, resolved once per event with
    `events.notify.organizer.organizer_of`), or a PUBLISH when the event has no organiser address."""
    message = render(purpose, event, person, now=now, task=task, task_due=task_due, rsvp=rsvp)
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = mail_from
    mail["To"] = formataddr((person.name, address))
    mail["Date"] = rfc2822_date(now)
    mail["Message-ID"] = message_id(delivery_id, mail_from.rpartition("@")[2] or "calendar-app")
    mail["Auto-Submitted"] = "auto-generated"
    mail["X-Calendar-App-Delivery"] = str(delivery_id)
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    if purpose != "task":
        cancelled = purpose in ("cancellation", "invitation_cancel") or event.status == "cancelled"
        invite = build_invite(event, cancelled=cancelled, organizer=organizer, mail_from=mail_from, attendee=address,
                              attendee_name=person.name, stamp=now, role=ical_role(rsvp.role) if rsvp else None)
        # As bytes: a str attachment would have its CRLF line ends (RFC 5545) turned into LF.
        mail.add_attachment(invite.data, maintype="text", subtype="calendar", cte="base64", filename="invite.ics",
                            params={"method": invite.method.value, "charset": "utf-8"})
    mail["Content-Language"] = person.language  # after the body: set_content drops Content-* headers
    return mail
