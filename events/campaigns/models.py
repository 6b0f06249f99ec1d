"""SQLModel records of campaigns and their yearly editions.

A `Campaign` is the yearly shape (slug, name, window as month-days, colour); a `CampaignEdition` is one
year of it with that year's theme. Events point to an edition through `Event.campaign_edition_id`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from events.models import UTCDateTime


class Campaign(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(60), unique=True, nullable=False))
    name: str = Field(sa_column=Column(Text, nullable=False))
    # Month-days "MM-DD", both inclusive; an end before the start crosses the year end.
    window_start: str = Field(sa_column=Column(String(5), nullable=False))
    window_end: str = Field(sa_column=Column(String(5), nullable=False))
    color: str | None = Field(default=None, sa_column=Column(String(7)))
    description: str | None = Field(default=None, sa_column=Column(Text))


class CampaignEdition(SQLModel, table=True):
    __tablename__ = "campaign_edition"
    __table_args__ = (UniqueConstraint("campaign_id", "year", name="uq_campaign_edition_year"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(
        sa_column=Column(Integer, ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    year: int
    # The theme in the default language, and translations keyed by language code (mn, ky, ru, en).
    theme: str | None = Field(default=None, sa_column=Column(Text))
    themes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # For the edition's entry in feeds: SEQUENCE and LAST-MODIFIED change only when the edition changes.
    sequence: int = 0
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))

    def theme_in(self, language: str | None) -> str | None:
        """The theme in `language` if translated, else the default theme."""
        if language and language in self.themes:
            return str(self.themes[language])
        return self.theme
