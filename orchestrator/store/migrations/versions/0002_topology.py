"""topology, customers, agreements, enrolment, groups, head-ends

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

from orchestrator.store.models import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("substation", sa.Column("mrid", sa.String(100), primary_key=True),
                    sa.Column("name", sa.String(200)))
    op.create_table("feeder", sa.Column("mrid", sa.String(100), primary_key=True),
                    sa.Column("substation", sa.String(100), sa.ForeignKey("substation.mrid"), index=True),
                    sa.Column("name", sa.String(200)))
    op.create_table("service_transformer", sa.Column("mrid", sa.String(100), primary_key=True),
                    sa.Column("feeder", sa.String(100), sa.ForeignKey("feeder.mrid"), index=True),
                    sa.Column("name", sa.String(200)))
    op.create_table("usage_point", sa.Column("mrid", sa.String(100), primary_key=True),
                    sa.Column("transformer", sa.String(100), sa.ForeignKey("service_transformer.mrid"), index=True),
                    sa.Column("name", sa.String(200)))
    op.create_table("headend", sa.Column("name", sa.String(100), primary_key=True),
                    sa.Column("url", sa.String(500)), sa.Column("vendor", sa.String(100), nullable=False),
                    sa.Column("created_at", UtcDateTime(), nullable=False))
    op.create_table("end_device", sa.Column("mrid", sa.String(100), primary_key=True),
                    sa.Column("kind", sa.String(40), nullable=False),
                    sa.Column("headend", sa.String(100), index=True), sa.Column("vendor", sa.String(100)),
                    sa.Column("serial_number", sa.String(100)), sa.Column("rated_kw", sa.Float()))
    op.create_table("device_link", sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
                    sa.Column("device", sa.String(100), sa.ForeignKey("end_device.mrid"), nullable=False, index=True),
                    sa.Column("usage_point", sa.String(100), sa.ForeignKey("usage_point.mrid"), nullable=False,
                              index=True),
                    sa.Column("valid_from", UtcDateTime(), nullable=False), sa.Column("valid_to", UtcDateTime()))
    op.create_index("ix_device_link_current", "device_link", ["device", "valid_to"])
    op.create_table("customer", sa.Column("mrid", sa.String(100), primary_key=True),
                    sa.Column("name", sa.String(200)))
    op.create_table("customer_agreement", sa.Column("mrid", sa.String(100), primary_key=True),
                    sa.Column("customer", sa.String(100), sa.ForeignKey("customer.mrid"), nullable=False, index=True),
                    sa.Column("usage_point", sa.String(100), sa.ForeignKey("usage_point.mrid"), nullable=False,
                              index=True),
                    sa.Column("supplier", sa.String(100)),
                    sa.Column("valid_from", UtcDateTime(), nullable=False), sa.Column("valid_to", UtcDateTime()))
    op.create_table("enrolment", sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
                    sa.Column("program", sa.String(100), nullable=False, index=True),
                    sa.Column("device", sa.String(100), sa.ForeignKey("end_device.mrid"), nullable=False, index=True),
                    sa.Column("agreement", sa.String(100), sa.ForeignKey("customer_agreement.mrid")),
                    sa.Column("valid_from", UtcDateTime(), nullable=False), sa.Column("valid_to", UtcDateTime()),
                    sa.Column("end_reason", sa.String(200)))
    op.create_index("ix_enrolment_current", "enrolment", ["device", "valid_to"])
    op.create_table("group_member", sa.Column("group_name", sa.String(100), primary_key=True),
                    sa.Column("kind", sa.String(20), primary_key=True),
                    sa.Column("member", sa.String(100), primary_key=True))


def downgrade() -> None:
    for table in ("group_member", "enrolment", "customer_agreement", "customer", "device_link", "end_device",
                  "headend", "usage_point", "service_transformer", "feeder", "substation"):
        op.drop_table(table)
