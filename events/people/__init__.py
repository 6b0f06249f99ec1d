"""Participants as people: an event's invitees and attendees, their answers and attendance, and the
sex-disaggregated figures counted from them (issue 12)."""
