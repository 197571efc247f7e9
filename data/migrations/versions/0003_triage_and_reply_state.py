"""triage and reply state: reply due time, SMS segments, sentiment trend, cooling days

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reply_due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("segments", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_message_reply_due",
            ["reply_due_at"],
            unique=False,
            sqlite_where=sa.text("reply_due_at IS NOT NULL"),
            postgresql_where=sa.text("reply_due_at IS NOT NULL"),
        )
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sentiment_trend", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("sentiment_samples", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cold_after_days", sa.Integer(), nullable=False, server_default="14")
        )


def downgrade() -> None:
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.drop_column("cold_after_days")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_column("sentiment_samples")
        batch_op.drop_column("sentiment_trend")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index("ix_message_reply_due")
        batch_op.drop_column("segments")
        batch_op.drop_column("reply_due_at")
