"""master data (pending changes, message log, switching reads), meter readings (per reading and per day), end device name

Revision ID: 0030
Revises: 0002
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

from orchestrator.store.models import UtcDateTime

revision = "0030"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): end_device is referenced by foreign keys on SQLite.
    op.add_column("end_device", sa.Column("name", sa.String(200)))
    op.create_index("ix_end_device_name", "end_device", ["name"])
    op.create_table("masterdata_pending", sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
                    sa.Column("due_at", UtcDateTime(), nullable=False), sa.Column("noun", sa.String(60), nullable=False),
                    sa.Column("verb", sa.String(20), nullable=False), sa.Column("item", sa.Text(), nullable=False),
                    sa.Column("message_id", sa.String(200)), sa.Column("created_at", UtcDateTime(), nullable=False),
                    sa.Column("applied_at", UtcDateTime()), sa.Column("outcome", sa.Text()))
    op.create_index("ix_masterdata_pending_due", "masterdata_pending", ["applied_at", "due_at"])
    op.create_table("masterdata_log", sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
                    sa.Column("message_id", sa.String(200), index=True), sa.Column("noun", sa.String(60), nullable=False),
                    sa.Column("verb", sa.String(20), nullable=False), sa.Column("result", sa.String(10), nullable=False),
                    sa.Column("items", sa.Integer(), nullable=False), sa.Column("failed", sa.Integer(), nullable=False),
                    sa.Column("detail", sa.Text(), nullable=False), sa.Column("request", sa.Text()),
                    sa.Column("received_at", UtcDateTime(), nullable=False, index=True))
    op.create_table("switching_read", sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
                    sa.Column("request_id", sa.String(100), nullable=False, unique=True),
                    sa.Column("device", sa.String(100), nullable=False, index=True),
                    sa.Column("headend", sa.String(100)), sa.Column("usage_point", sa.String(100), nullable=False),
                    sa.Column("effective_at", UtcDateTime(), nullable=False),
                    sa.Column("old_agreement", sa.String(100)), sa.Column("new_agreement", sa.String(100)),
                    sa.Column("reason", sa.String(40), nullable=False),
                    sa.Column("reading_type", sa.String(80), nullable=False),
                    sa.Column("status", sa.String(20), nullable=False), sa.Column("value", sa.Float()),
                    sa.Column("estimated", sa.Boolean(), nullable=False),
                    sa.Column("deadline", UtcDateTime(), nullable=False), sa.Column("read_at", UtcDateTime()),
                    sa.Column("detail", sa.Text()), sa.Column("created_at", UtcDateTime(), nullable=False))
    op.create_index("ix_switching_read_open", "switching_read", ["status", "deadline"])
    op.create_table("meter_reading", sa.Column("device", sa.String(100), nullable=False),
                    sa.Column("reading_type", sa.String(80), nullable=False),
                    sa.Column("ts", sa.BigInteger(), nullable=False), sa.Column("value", sa.Float(), nullable=False),
                    sa.Column("quality", sa.String(40)),
                    sa.PrimaryKeyConstraint("device", "reading_type", "ts", name="pk_meter_reading"),
                    sqlite_with_rowid=False)
    op.create_table("meter_reading_day", sa.Column("device", sa.String(100), nullable=False),
                    sa.Column("reading_type", sa.String(80), nullable=False),
                    sa.Column("day", sa.Integer(), nullable=False), sa.Column("vals", sa.LargeBinary(), nullable=False),
                    sa.Column("n", sa.Integer(), nullable=False), sa.Column("qualities", sa.Text()),
                    sa.PrimaryKeyConstraint("device", "reading_type", "day", name="pk_meter_reading_day"),
                    sqlite_with_rowid=False)


def downgrade() -> None:
    for table in ("meter_reading_day", "meter_reading", "switching_read", "masterdata_log", "masterdata_pending"):
        op.drop_table(table)
    with op.batch_alter_table("end_device") as batch:
        batch.drop_index("ix_end_device_name")
        batch.drop_column("name")
