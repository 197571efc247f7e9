"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25 06:48:32.737284
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workspace",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("business_hours", sa.JSON(), nullable=False),
        sa.Column(
            "after_hours_note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False
        ),
        sa.Column("help_text", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("holding_reply", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("sms_allowance", sa.Integer(), nullable=False),
        sa.Column("alert_phone", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("alert_email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True),
        sa.Column("auto_reply_sms", sa.Boolean(), nullable=False),
        sa.Column("auto_reply_whatsapp", sa.Boolean(), nullable=False),
        sa.Column("auto_reply_webchat", sa.Boolean(), nullable=False),
        sa.Column("auto_reply_email", sa.Boolean(), nullable=False),
        sa.Column("negative_sentiment_threshold", sa.Float(), nullable=False),
        sa.Column("sentiment_trend_threshold", sa.Float(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("receives_alerts", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_login_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.create_index("ix_app_user_workspace", ["workspace_id", "role"], unique=False)

    op.create_table(
        "channel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "address", name="uq_channel_kind_address"),
    )
    with op.batch_alter_table("channel", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_channel_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True),
        sa.Column("visitor_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("lead_status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("lead_temperature", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("lead_temperature_manual", sa.Boolean(), nullable=False),
        sa.Column("opted_out_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("opted_out_keyword", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("opted_out_channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_inbound_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index("ix_contact_name", ["workspace_id", "name"], unique=False)
        batch_op.create_index("uq_contact_email", ["workspace_id", "email"], unique=True)
        batch_op.create_index("uq_contact_phone", ["workspace_id", "phone"], unique=True)
        batch_op.create_index("uq_contact_visitor", ["workspace_id", "visitor_id"], unique=True)

    op.create_table(
        "knowledge_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("tags", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("knowledge_entry", schema=None) as batch_op:
        batch_op.create_index("ix_knowledge_workspace", ["workspace_id", "enabled"], unique=False)

    op.create_table(
        "conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("managed_by", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("escalation_reason", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("escalation_note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("escalated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=998), nullable=True),
        sa.Column("last_message_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column(
            "last_message_preview", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False
        ),
        sa.Column(
            "last_message_sender", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True
        ),
        sa.Column("last_inbound_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("unread_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channel.id"],
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.create_index("ix_conversation_contact", ["contact_id", "channel"], unique=False)
        batch_op.create_index(
            "ix_conversation_inbox", ["workspace_id", "last_message_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_conversation_inbox_channel",
            ["workspace_id", "channel", "last_message_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_conversation_inbox_status",
            ["workspace_id", "status", "last_message_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_conversation_inbox_status_channel",
            ["workspace_id", "status", "channel", "last_message_at", "id"],
            unique=False,
        )

    op.create_table(
        "appointment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("starts_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ends_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("reminder_sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.create_index("ix_appointment_contact", ["contact_id", "starts_at"], unique=False)
        batch_op.create_index(
            "ix_appointment_workspace_start", ["workspace_id", "starts_at"], unique=False
        )

    op.create_table(
        "call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("provider_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("from_address", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("to_address", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("recording_url", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.create_index("ix_call_contact", ["contact_id", "started_at"], unique=False)
        batch_op.create_index("uq_call_provider", ["workspace_id", "provider_id"], unique=True)

    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("actor_kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index("ix_event_contact", ["contact_id", "created_at"], unique=False)
        batch_op.create_index(
            "ix_event_conversation", ["conversation_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_event_workspace_kind_time", ["workspace_id", "kind", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_event_workspace_time", ["workspace_id", "created_at"], unique=False
        )

    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("sender_kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("sender_user_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=998), nullable=True),
        sa.Column("media", sa.JSON(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("from_address", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True),
        sa.Column("to_address", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True),
        sa.Column("provider_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("error_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("error_message", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("sentiment", sa.Float(), nullable=True),
        sa.Column("answers_message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("delivered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("lease_owner", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("lease_expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("triaged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["answers_message_id"],
            ["message.id"],
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["sender_user_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index("ix_message_contact", ["contact_id", "created_at"], unique=False)
        batch_op.create_index(
            "ix_message_conversation", ["conversation_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_message_outbox", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(
            "ix_message_untriaged",
            ["created_at"],
            unique=False,
            sqlite_where=sa.text("direction = 'inbound' AND triaged_at IS NULL"),
            postgresql_where=sa.text("direction = 'inbound' AND triaged_at IS NULL"),
        )
        batch_op.create_index(
            "ix_message_workspace_time", ["workspace_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "uq_message_ai_reply",
            ["answers_message_id"],
            unique=True,
            sqlite_where=sa.text("sender_kind = 'ai' AND answers_message_id IS NOT NULL"),
            postgresql_where=sa.text("sender_kind = 'ai' AND answers_message_id IS NOT NULL"),
        )
        batch_op.create_index(
            "uq_message_provider", ["workspace_id", "channel", "provider_id"], unique=True
        )

    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.create_index("ix_note_contact", ["contact_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_note_workspace_id"), ["workspace_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_workspace_id"))
        batch_op.drop_index("ix_note_contact")

    op.drop_table("note")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index("uq_message_provider")
        batch_op.drop_index(
            "uq_message_ai_reply",
            sqlite_where=sa.text("sender_kind = 'ai' AND answers_message_id IS NOT NULL"),
            postgresql_where=sa.text("sender_kind = 'ai' AND answers_message_id IS NOT NULL"),
        )
        batch_op.drop_index("ix_message_workspace_time")
        batch_op.drop_index(
            "ix_message_untriaged",
            sqlite_where=sa.text("direction = 'inbound' AND triaged_at IS NULL"),
            postgresql_where=sa.text("direction = 'inbound' AND triaged_at IS NULL"),
        )
        batch_op.drop_index("ix_message_outbox")
        batch_op.drop_index("ix_message_conversation")
        batch_op.drop_index("ix_message_contact")

    op.drop_table("message")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_workspace_time")
        batch_op.drop_index("ix_event_workspace_kind_time")
        batch_op.drop_index("ix_event_conversation")
        batch_op.drop_index("ix_event_contact")

    op.drop_table("event")
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.drop_index("uq_call_provider")
        batch_op.drop_index("ix_call_contact")

    op.drop_table("call")
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_index("ix_appointment_workspace_start")
        batch_op.drop_index("ix_appointment_contact")

    op.drop_table("appointment")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_inbox_status_channel")
        batch_op.drop_index("ix_conversation_inbox_status")
        batch_op.drop_index("ix_conversation_inbox_channel")
        batch_op.drop_index("ix_conversation_inbox")
        batch_op.drop_index("ix_conversation_contact")

    op.drop_table("conversation")
    with op.batch_alter_table("knowledge_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_knowledge_workspace")

    op.drop_table("knowledge_entry")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index("uq_contact_visitor")
        batch_op.drop_index("uq_contact_phone")
        batch_op.drop_index("uq_contact_email")
        batch_op.drop_index("ix_contact_name")

    op.drop_table("contact")
    with op.batch_alter_table("channel", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channel_workspace_id"))

    op.drop_table("channel")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_index("ix_app_user_workspace")

    op.drop_table("app_user")
    op.drop_table("workspace")
