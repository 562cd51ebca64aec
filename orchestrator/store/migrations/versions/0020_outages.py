"""outage records, affected devices and OMS deliveries

Revision ID: 0020
Revises: 0002
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outage",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("asset", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("first_event", sa.DateTime(timezone=True)),
        sa.Column("last_event", sa.DateTime(timezone=True)),
        sa.Column("restored_at", sa.DateTime(timezone=True)),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("parent", sa.String(200)),
        sa.Column("transformer", sa.String(100)),
        sa.Column("feeder", sa.String(100)),
        sa.Column("substation", sa.String(100)),
        sa.Column("affected_count", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_outage_asset", "outage", ["asset"])
    op.create_index("ix_outage_status", "outage", ["status"])
    op.create_index("ix_outage_parent", "outage", ["parent"])
    op.create_index("ix_outage_feeder", "outage", ["feeder"])
    op.create_table(
        "outage_device",
        sa.Column("outage_id", sa.String(200), primary_key=True),
        sa.Column("device", sa.String(100), primary_key=True),
    )
    op.create_index("ix_outage_device_device", "outage_device", ["device"])
    op.create_table(
        "oms_delivery",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("idempotency_key", sa.String(300), nullable=False),
        sa.Column("target", sa.String(40), nullable=False),
        sa.Column("outage_id", sa.String(200), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("last_status", sa.Integer()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ux_oms_delivery_key_target", "oms_delivery", ["idempotency_key", "target"], unique=True)
    op.create_index("ix_oms_delivery_due", "oms_delivery", ["status", "next_attempt_at"])
    op.create_index("ix_oms_delivery_outage_id", "oms_delivery", ["outage_id"])


def downgrade() -> None:
    op.drop_table("oms_delivery")
    op.drop_table("outage_device")
    op.drop_table("outage")
