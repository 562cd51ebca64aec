"""dispatch progress: the correlation engine's per-device records (rollups are derived from them)

Revision ID: 0050
Revises: 0002
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

from orchestrator.store.models import UtcDateTime

revision = "0050"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dispatch_progress",
        sa.Column("campaign", sa.String(64), primary_key=True),
        sa.Column("device", sa.String(100), primary_key=True),
        sa.Column("program", sa.String(100)),
        sa.Column("headend", sa.String(100)),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(20)),
        sa.Column("cause", sa.String(30)),
        sa.Column("cause_message_id", sa.String(100)),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(100)),
        sa.Column("first_sent_at", UtcDateTime()),
        sa.Column("sent_at", UtcDateTime()),
        sa.Column("replied_at", UtcDateTime()),
        sa.Column("confirmed_at", UtcDateTime()),
        sa.Column("ack_latency_s", sa.Float()),
        sa.Column("est_kw", sa.Float()),
        sa.Column("deadline", UtcDateTime()),
        sa.Column("updated_at", UtcDateTime()),
        sa.Column("seq", sa.Integer(), nullable=False),
    )
    op.create_index("ix_dispatch_progress_campaign_state", "dispatch_progress", ["campaign", "state"])
    op.create_index("ix_dispatch_progress_headend_state", "dispatch_progress", ["headend", "state"])
    op.create_index("ix_dispatch_progress_campaign_latency", "dispatch_progress", ["campaign", "ack_latency_s"])


def downgrade() -> None:
    op.drop_table("dispatch_progress")
