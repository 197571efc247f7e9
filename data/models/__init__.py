"""The tables. Every row carries its workspace; import from here so all tables register."""

from data.models.call import Call
from data.models.contact import Appointment, Contact, Note
from data.models.conversation import Conversation, Message
from data.models.event import Event
from data.models.knowledge import KnowledgeEntry
from data.models.pacing import SenderPace
from data.models.webhook import InstanceSecret, WebhookNonce
from data.models.workspace import Channel, User, Workspace

__all__ = [
    "Appointment",
    "Call",
    "Channel",
    "Contact",
    "Conversation",
    "Event",
    "InstanceSecret",
    "KnowledgeEntry",
    "Message",
    "Note",
    "SenderPace",
    "User",
    "WebhookNonce",
    "Workspace",
]
