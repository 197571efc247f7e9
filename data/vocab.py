"""The product's fixed vocabularies: channels, statuses, roles, sender kinds, event kinds.

Values are stored as plain lowercase strings (portable across SQLite and PostgreSQL, readable
in exports); `label()` gives the words the console shows.
"""

from __future__ import annotations

from enum import StrEnum


class ChannelKind(StrEnum):
    SMS = "sms"
    WHATSAPP = "whatsapp"
    EMAIL = "email"
    WEBCHAT = "webchat"
    VOICE = "voice"


#: Channels whose AI replies can be switched on and off per workspace (voice is read-only).
REPLYABLE_CHANNELS = (ChannelKind.SMS, ChannelKind.WHATSAPP, ChannelKind.EMAIL, ChannelKind.WEBCHAT)
#: Channels whose address is a phone number.
PHONE_CHANNELS = (ChannelKind.SMS, ChannelKind.WHATSAPP, ChannelKind.VOICE)


class Provider(StrEnum):
    TWILIO = "twilio"
    MAILGUN = "mailgun"
    SENDGRID = "sendgrid"
    SMTP = "smtp"
    WIDGET = "widget"
    VOICE_API = "voice_api"


class ConversationStatus(StrEnum):
    ACTIVE = "active"
    ESCALATED = "escalated"
    CLOSED = "closed"


class ManagedBy(StrEnum):
    AI = "ai"
    HUMAN = "human"


class EscalationReason(StrEnum):
    CANT_ANSWER = "cant_answer"
    ASKED_FOR_PERSON = "asked_for_person"
    NEGATIVE_SENTIMENT = "negative_sentiment"
    OPT_OUT_UNCLEAR = "opt_out_unclear"
    SMS_ALLOWANCE = "sms_allowance"
    MANUAL = "manual"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class SenderKind(StrEnum):
    CUSTOMER = "customer"
    AI = "ai"
    OPERATOR = "operator"
    AUTOMATION = "automation"
    SYSTEM = "system"


class DeliveryStatus(StrEnum):
    """Inbound messages are `received`; outbound ones move through the rest.

    `unknown` is an outbound message whose send was interrupted after the provider may have
    accepted it: it is shown to a person instead of being sent again.
    """

    RECEIVED = "received"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    UNKNOWN = "unknown"


class LeadStatus(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    QUOTED = "quoted"
    BOOKED = "booked"
    WON = "won"
    LOST = "lost"


class LeadTemperature(StrEnum):
    HOT = "hot"
    WARM = "warm"
    COOL = "cool"
    COLD = "cold"


class Role(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    OPERATOR = "operator"


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class ActorKind(StrEnum):
    CUSTOMER = "customer"
    AI = "ai"
    OPERATOR = "operator"
    AUTOMATION = "automation"
    SYSTEM = "system"


class EventKind(StrEnum):
    ESCALATED = "escalated"
    TAKEN_OVER = "taken_over"
    AI_RESUMED = "ai_resumed"
    CLOSED = "closed"
    REOPENED = "reopened"
    LEAD_STATUS_CHANGED = "lead_status_changed"
    LEAD_TEMPERATURE_CHANGED = "lead_temperature_changed"
    OPTED_OUT = "opted_out"
    OPTED_IN = "opted_in"
    HELP_REQUESTED = "help_requested"
    OPT_OUT_OVERRIDDEN = "opt_out_overridden"
    CONTACT_UPDATED = "contact_updated"
    NOTE_ADDED = "note_added"
    APPOINTMENT_BOOKED = "appointment_booked"
    APPOINTMENT_CHANGED = "appointment_changed"
    SETTINGS_CHANGED = "settings_changed"
    SMS_ALLOWANCE_ALERTED = "sms_allowance_alerted"
    AUTOMATION_SKIPPED = "automation_skipped"
    CALL_REQUESTED = "call_requested"
    KNOWLEDGE_CHANGED = "knowledge_changed"


_LABELS = {
    "sms": "SMS",
    "whatsapp": "WhatsApp",
    "email": "Email",
    "webchat": "Web Chat",
    "voice": "Voice",
    "ai": "AI",
    "cant_answer": "AI couldn't answer",
    "asked_for_person": "Asked for a person",
    "negative_sentiment": "Negative sentiment",
    "opt_out_unclear": "Possible opt-out",
    "sms_allowance": "SMS allowance used up",
    "manual": "Escalated by a person",
    "hot": "HOT",
    "warm": "WARM",
    "cool": "COOL",
    "cold": "COLD",
    "no_show": "No-show",
}


def label(value: str) -> str:
    """The word the console shows for a stored vocabulary value."""
    return _LABELS.get(value, value.replace("_", " ").capitalize())
