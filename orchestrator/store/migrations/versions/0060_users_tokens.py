"""operator users and API tokens (access control)

Revision ID: 0060
Revises: 0002
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

from orchestrator.store.models import UtcDateTime

revision = "0060"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("disabled_at", UtcDateTime()),
    )
    op.create_table(
        "api_token",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime()),
        sa.Column("revoked_at", UtcDateTime()),
    )


def downgrade() -> None:
    op.drop_table("api_token")
    op.drop_table("app_user")
