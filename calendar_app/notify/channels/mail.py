"""What every e-mail channel shares: a letter becomes a MIME message (text, HTML, the event as `.ics`)."""

from __future__ import annotations

from abc import ABC
from email.policy import SMTP as SMTP_POLICY

from calendar_app.notify.channels.base import Channel, Letter, Outgoing


class EmailChannel(Channel, ABC):
    """An e-mail channel: renders with `compose_email`; its subclasses say where the bytes go."""

    def render(self, letter: Letter) -> Outgoing:
        from calendar_app.notify.messages import compose_email  # Babel, e-mail, iCalendar: when a message is due

        mail = compose_email(letter.purpose, letter.view, letter.person, address=letter.address,
                             delivery_id=letter.delivery_id, mail_from=letter.sender, now=letter.now,
                             task=letter.task, task_due=letter.task_due, organizer=letter.organizer,
                             rsvp=letter.rsvp)
        return Outgoing(letter.address, letter.sender, str(mail["Subject"]), mail.as_bytes(policy=SMTP_POLICY))
