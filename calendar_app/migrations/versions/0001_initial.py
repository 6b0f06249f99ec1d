"""The first schema: events, regions, organisations, programmes, partner links.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Aware instants; SQLite keeps them as naive UTC (see events.models.UTCDateTime).
UTCDateTime = sa.DateTime(timezone=True)


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The regions as this revision ships them; a later change to the list ships its own migration.
REGION_ROWS = [
    ("ulaanbaatar", "Ulaanbaatar", "Улаанбаатар", "MN", "capital", "Asia/Ulaanbaatar"),
    ("baganuur", "Baganuur", "Багануур", "MN", "district", "Asia/Ulaanbaatar"),
    ("bagakhangai", "Bagakhangai", "Багахангай", "MN", "district", "Asia/Ulaanbaatar"),
    ("bayangol", "Bayangol", "Баянгол", "MN", "district", "Asia/Ulaanbaatar"),
    ("bayanzurkh", "Bayanzürkh", "Баянзүрх", "MN", "district", "Asia/Ulaanbaatar"),
    ("chingeltei", "Chingeltei", "Чингэлтэй", "MN", "district", "Asia/Ulaanbaatar"),
    ("khan-uul", "Khan-Uul", "Хан-Уул", "MN", "district", "Asia/Ulaanbaatar"),
    ("nalaikh", "Nalaikh", "Налайх", "MN", "district", "Asia/Ulaanbaatar"),
    ("songinokhairkhan", "Songinokhairkhan", "Сонгинохайрхан", "MN", "district", "Asia/Ulaanbaatar"),
    ("sukhbaatar-district", "Sükhbaatar district", "Сүхбаатар дүүрэг", "MN", "district", "Asia/Ulaanbaatar"),
    ("arkhangai", "Arkhangai", "Архангай", "MN", "aimag", "Asia/Ulaanbaatar"),
    ("bayan-olgii", "Bayan-Ölgii", "Баян-Өлгий", "MN", "aimag", "Asia/Hovd"),
    ("bayankhongor", "Bayankhongor", "Баянхонгор", "MN", "aimag", "Asia/Ulaanbaatar"),
    ("bulgan", "Bulgan", "Булган", "MN", "aimag", "Asia/Ulaanbaatar"),
    ("darkhan-uul", "Darkhan-Uul", "Дархан-Уул", "MN", "aimag", "Asia/Ulaanbaatar"),
    ("dornod", "Dornod", "Дорнод", "MN", "aimag", "Asia/Ulaanbaatar"),
    ("dornogovi", "Dornogovi", "Дорноговь", "MN", "aimag", "Asia/Ulaanbaatar"),
    ("dundgovi", "Dundgovi", "Дундговь", "MN", "aimag", "Asia/Ulaanbaatar"),
    ("govi-altai", "Govi-Altai", "Говь-Алтай", "MN", "aimag", "Asia/Ulaanbaatar"),
    ("govisumber", "Govisümber", "Говьсүмбэр", "MN", "aimag", "Asia/Ulaanbaatar"),
    ("khentii", "Khentii", "Хэнтий", "MN", "aimag", "Asia/Ulaanbaatar"),
    ("khovd", "Khovd", "Ховд", "MN", "aimag", "Asia/Hovd"),
    ("khuvsgul", "Khövsgöl", "Хөвсгөл", "MN", "aimag", "Asia/Ulaanbaatar"),
    ("umnugovi", "Ömnögovi", "Өмнөговь", "MN", "aimag", "Asia/Ulaanbaatar"),
    ("orkhon", "Orkhon", "Орхон", "MN", "aimag", "Asia/Ulaanbaatar"),
    ("uvurkhangai", "Övörkhangai", "Өвөрхангай", "MN", "aimag", "Asia/Ulaanbaatar"),
    ("selenge", "Selenge", "Сэлэнгэ", "MN", "aimag", "Asia/Ulaanbaatar"),
    ("sukhbaatar", "Sükhbaatar", "Сүхбаатар", "MN", "aimag", "Asia/Ulaanbaatar"),
    ("tuv", "Töv", "Төв", "MN", "aimag", "Asia/Ulaanbaatar"),
    ("uvs", "Uvs", "Увс", "MN", "aimag", "Asia/Hovd"),
    ("zavkhan", "Zavkhan", "Завхан", "MN", "aimag", "Asia/Ulaanbaatar"),
    ("bishkek", "Bishkek", "Бишкек", "KG", "capital", "Asia/Bishkek"),
    ("osh-city", "Osh city", "Ош шаары", "KG", "city", "Asia/Bishkek"),
    ("batken", "Batken oblast", "Баткен облусу", "KG", "oblast", "Asia/Bishkek"),
    ("chuy", "Chüy oblast", "Чүй облусу", "KG", "oblast", "Asia/Bishkek"),
    ("jalal-abad", "Jalal-Abad oblast", "Жалал-Абад облусу", "KG", "oblast", "Asia/Bishkek"),
    ("naryn", "Naryn oblast", "Нарын облусу", "KG", "oblast", "Asia/Bishkek"),
    ("osh-oblast", "Osh oblast", "Ош облусу", "KG", "oblast", "Asia/Bishkek"),
    ("talas", "Talas oblast", "Талас облусу", "KG", "oblast", "Asia/Bishkek"),
    ("issyk-kul", "Issyk-Kul oblast", "Ысык-Көл облусу", "KG", "oblast", "Asia/Bishkek"),
]


def upgrade() -> None:
    region = op.create_table(
        "region",
        sa.Column("slug", sa.String(40), primary_key=True),
        sa.Column("name_en", sa.String(80), nullable=False),
        sa.Column("name_local", sa.String(80), nullable=False),
        sa.Column("country", sa.String(2), nullable=False, index=True),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
    )
    op.bulk_insert(
        region,
        [dict(zip(("slug", "name_en", "name_local", "country", "level", "timezone"), r, strict=True))
         for r in REGION_ROWS],
    )
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
    )
    op.create_table(
        "programme",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uid", sa.String(255), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False, index=True),
        sa.Column("all_day", sa.Boolean, nullable=False),
        sa.Column("start_utc", UTCDateTime, nullable=False),
        sa.Column("end_utc", UTCDateTime, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("region", sa.String(40), sa.ForeignKey("region.slug"), nullable=True, index=True),
        sa.Column("location", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("organizer", sa.Text),
        sa.Column("programme_id", sa.Integer, sa.ForeignKey("programme.id"), nullable=True, index=True),
        sa.Column("language", sa.String(8)),
        sa.Column("participants_expected", sa.Integer),
        sa.Column("participants_actual", sa.Integer),
        sa.Column("participants_women", sa.Integer),
        sa.Column("participants_men", sa.Integer),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("visibility", sa.String(20), nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("cancel_reason", sa.Text),
        sa.Column("search_text", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_event_window", "event", ["start_utc", "end_utc"])
    op.create_table(
        "event_partner",
        sa.Column("event_id", sa.Integer, sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisation.id"), primary_key=True,
                  index=True),
    )


def downgrade() -> None:
    for table in ("event_partner", "event", "programme", "organisation", "region"):
        op.drop_table(table)
