"""Recurring events: one module owns recurrence (RFC 5545 RRULE, RDATE, EXDATE and overrides by
RECURRENCE-ID). `rules` reads and checks a rule, `expand` turns a series into occurrences in a window.

A series is one `event` row with `recurs` set: its start and end are the first occurrence (DTSTART), its
`rrule`, `rdates` and `exdates` say when it repeats, and `series_end_utc` is the end of its last
occurrence (NULL for an open-ended rule), so a window query finds the series whose span meets it. A changed
or cancelled occurrence is an override: its own `event` row pointing at the series (`series_id`) with the
original start it replaces (`recurrence_utc`).
"""
