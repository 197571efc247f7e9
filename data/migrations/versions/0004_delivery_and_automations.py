"""delivery and automations: sending pace, reminder and follow-up settings, quiet hours,
click-to-call fields

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_WORKSPACE_COLUMNS = [
    ("reminder_hours", sa.Integer(), "24"),
    ("follow_up_days", sa.Integer(), "3"),
    ("quiet_hours_start", sqlmodel.sql.sqltypes.AutoString(length=5), "21:00"),
    ("quiet_hours_end", sqlmodel.sql.sqltypes.AutoString(length=5), "08:00"),
    ("email_auto_replies_per_day", sa.Integer(), "3"),
]


def upgrade() -> None:
    op.create_table(
        "sender_pace",
        sa.Column("sender", sqlmodel.sql.sqltypes.AutoString(length=340), nullable=False),
        sa.Column("next_free_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("sender"),
    )
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        for name, kind, default in _WORKSPACE_COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=False, server_default=default))
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("followed_up_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("bridge_address", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch_op.add_column(
            sa.Column("error_message", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True)
        )
        batch_op.create_index("ix_call_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.drop_index("ix_call_status")
        batch_op.drop_column("error_message")
        batch_op.drop_column("bridge_address")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_column("followed_up_at")
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        for name, _, _ in reversed(_WORKSPACE_COLUMNS):
            batch_op.drop_column(name)
    op.drop_table("sender_pace")
