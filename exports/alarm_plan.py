"""VALARMs from each event's reminder plan, for feeds made with `feed add NAME --alarms-from-reminders`.

An event's plan is its kind's default rules (`events/data/workflows.toml`, unless the event opted out
with `--no-default-reminders`) plus its own `--remind` rules, exactly as the reminder dispatcher uses
them (`events.notify.reminders.plan_rules`): `start-1d` becomes `TRIGGER:-P1D`, `end+1h` becomes
`TRIGGER;RELATED=END:PT1H`. A cancelled or postponed event has no alarms (`exports.render.NO_ALARMS`), as
the dispatcher holds a postponed event's reminders; a tentative one keeps them and shows `STATUS:TENTATIVE`.

Keeping the rendered chunks right:
- a change of an event's own rules marks the event changed (`updated_at`, see
  `calendar_app.notify.planning.plan_notifications`), so its chunk version and the store fingerprint move;
- the kind defaults are read from a file users may edit, so their `defaults_tag` is part of the chunk
  variant (`exports.render.variant_key`) and of the server's fingerprint: an edit re-renders every event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from sqlmodel import Session, col, select

from events.notify.models import EventReminderPlan
from events.notify.planning import ReminderRule
from events.notify.reminders import plan_rules
from events.notify.workflows import KindDefaults, defaults_for
from events.views import EventView
from exports.models import PLAN_TOKEN
from exports.render import NO_ALARMS

__all__ = ["PLAN_TOKEN", "defaults_tag", "rules_by_event"]


def defaults_tag(defaults: Mapping[str, KindDefaults]) -> str:
    """A short fingerprint of every kind's default reminder rules (steps do not make alarms)."""
    text = "\n".join(f"{kind}={' '.join(r.key for r in defaults[kind].reminders)}" for kind in sorted(defaults))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def rules_by_event(
    views: Sequence[EventView], defaults: Mapping[str, KindDefaults], *, session: Session
) -> dict[int, tuple[ReminderRule, ...]]:
    """Each event's reminder rules, with one query for the plans of the whole batch; none for an event that
    shows no alarms (cancelled, postponed)."""
    views = [v for v in views if v.status not in NO_ALARMS]
    ids = [v.id for v in views]
    plans = {p.event_id: p for p in session.exec(
        select(EventReminderPlan).where(col(EventReminderPlan.event_id).in_(ids)))} if ids else {}
    return {v.id: tuple(plan_rules(plans.get(v.id), defaults_for(v.kind, dict(defaults)))) for v in views}
