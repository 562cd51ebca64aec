"""programs, campaigns, dispatch records, audit log

Revision ID: 0010
Revises: 0002
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

from orchestrator.store.models import UtcDateTime

revision = "0010"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("program", sa.Column("id", sa.String(100), primary_key=True),
                    sa.Column("name", sa.String(200), nullable=False), sa.Column("kind", sa.String(40), nullable=False),
                    sa.Column("definition", sa.Text(), nullable=False),
                    sa.Column("loaded_at", UtcDateTime(), nullable=False))
    op.create_table("campaign", sa.Column("id", sa.String(64), primary_key=True),
                    sa.Column("program", sa.String(100), nullable=False, index=True),
                    sa.Column("state", sa.String(20), nullable=False, index=True),
                    sa.Column("targets", sa.Text(), nullable=False),
                    sa.Column("start_at", UtcDateTime(), nullable=False, index=True),
                    sa.Column("end_at", UtcDateTime(), nullable=False),
                    sa.Column("priority", sa.Integer(), nullable=False), sa.Column("level", sa.Integer()),
                    sa.Column("setpoint_percent", sa.Float()), sa.Column("reason", sa.Text(), nullable=False),
                    sa.Column("created_by", sa.String(100), nullable=False),
                    sa.Column("created_at", UtcDateTime(), nullable=False),
                    sa.Column("updated_at", UtcDateTime(), nullable=False))
    op.create_table("dispatch_record", sa.Column("campaign", sa.String(64), primary_key=True),
                    sa.Column("device", sa.String(100), primary_key=True),
                    sa.Column("state", sa.String(20), nullable=False),
                    sa.Column("attempt", sa.Integer(), nullable=False),
                    sa.Column("headend", sa.String(100)), sa.Column("step", sa.Integer(), nullable=False),
                    sa.Column("message_id", sa.String(64)), sa.Column("start_at", UtcDateTime()),
                    sa.Column("end_at", UtcDateTime()), sa.Column("deadline", UtcDateTime()),
                    sa.Column("updated_at", UtcDateTime(), nullable=False), sa.Column("cause", sa.String(30)),
                    sa.Column("cause_message_id", sa.String(100)), sa.Column("detail", sa.Text(), nullable=False))
    op.create_index("ix_dispatch_record_campaign_state", "dispatch_record", ["campaign", "state"])
    op.create_index("ix_dispatch_record_campaign_message", "dispatch_record", ["campaign", "message_id", "state"])
    # Only records waiting for a reply or confirmation carry a deadline: PENDING rows stay out of it.
    op.create_index("ix_dispatch_record_state_deadline", "dispatch_record", ["state", "deadline"],
                    sqlite_where=sa.text("deadline IS NOT NULL"), postgresql_where=sa.text("deadline IS NOT NULL"))
    op.create_table("audit_log", sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
                    sa.Column("at", UtcDateTime(), nullable=False, index=True),
                    sa.Column("actor", sa.String(100), nullable=False),
                    sa.Column("entity", sa.String(40), nullable=False),
                    sa.Column("entity_id", sa.String(100), nullable=False, index=True),
                    sa.Column("action", sa.String(40), nullable=False),
                    sa.Column("detail", sa.Text(), nullable=False))


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_index("ix_dispatch_record_state_deadline", "dispatch_record")
    op.drop_index("ix_dispatch_record_campaign_message", "dispatch_record")
    op.drop_index("ix_dispatch_record_campaign_state", "dispatch_record")
    op.drop_table("dispatch_record")
    op.drop_table("campaign")
    op.drop_table("program")
