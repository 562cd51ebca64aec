"""dead letter records

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dead_letter",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("source_topic", sa.String(100), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("record_key", sa.String(200)),
        sa.Column("message_id", sa.String(200)),
        sa.Column("processor", sa.String(100)),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_dead_letter_source_topic", "dead_letter", ["source_topic"])
    op.create_index("ix_dead_letter_message_id", "dead_letter", ["message_id"])
    op.create_index("ix_dead_letter_recorded_at", "dead_letter", ["recorded_at"])


def downgrade() -> None:
    op.drop_table("dead_letter")
