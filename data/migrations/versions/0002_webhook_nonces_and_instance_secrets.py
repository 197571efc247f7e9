"""webhook nonces and instance secrets

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 07:34:31.796527
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instance_secret",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "webhook_nonce",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("webhook_nonce", schema=None) as batch_op:
        batch_op.create_index("ix_webhook_nonce_seen", ["seen_at"], unique=False)
        batch_op.create_index("uq_webhook_nonce", ["provider", "token"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("webhook_nonce", schema=None) as batch_op:
        batch_op.drop_index("uq_webhook_nonce")
        batch_op.drop_index("ix_webhook_nonce_seen")

    op.drop_table("webhook_nonce")
    op.drop_table("instance_secret")
