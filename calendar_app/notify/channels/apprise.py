"""Chat and webhook targets (Telegram, Slack, Matrix, JSON webhooks...) through Apprise URLs."""

from __future__ import annotations

from calendar_app.notify.channels.base import ChannelFailure, Letter, OneAtATime, Outgoing


class AppriseChannel(OneAtATime):
    """The delivery's address is an Apprise URL; the message is its subject and plain text."""

    name = "apprise"

    def render(self, letter: Letter) -> Outgoing:
        from calendar_app.notify.messages import render  # Babel, iCalendar: when a message is due

        message = render(letter.purpose, letter.view, letter.person, now=letter.now, task=letter.task,
                         task_due=letter.task_due)
        return Outgoing(letter.address, letter.sender, message.subject, message.text.encode())

    def send(self, message: Outgoing) -> None:
        import apprise  # heavy: imported when a chat message goes out, not at start-up

        notifier = apprise.Apprise()
        if not notifier.add(message.address):
            raise ChannelFailure(f"Apprise does not understand the chat address {message.address!r}", permanent=True)
        if not notifier.notify(body=message.body.decode(), title=message.subject):
            scheme = message.address.split("://")[0]
            raise ChannelFailure(f"the chat service behind {scheme}:// did not accept the message")
