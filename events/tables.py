"""Every table of the events store in one metadata, so the foreign keys between them resolve.

`events.models` cannot import the campaign tables itself (they build on its column types); whoever opens
sessions imports this module instead.
"""

from __future__ import annotations

import events.campaigns.models
import events.history.models
import events.models
import events.people.models
import events.people.rsvp_models  # noqa: F401 - also registers the contact and participant tables
