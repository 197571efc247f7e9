"""The AI's suggested answer for a person handling a conversation: the customer's latest
message answered by the same responder, with the knowledge entry it came from named.

The pipeline stores a suggestion on an inbound message that arrives while a person is in
charge (whatever backend is configured); for messages without one (they arrived before the
takeover, or the pipeline has not reached them yet) the offline responder answers here, so
the console never waits on a network call.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from data import knowledge
from data.answers.offline import OfflineResponder
from data.answers.replies import Business, Reply, ReplyRequest
from data.clock import utcnow
from data.models import Conversation, Message, Workspace
from data.scheduling import Hours
from data.vocab import ChannelKind, Direction


@dataclass(frozen=True)
class Suggestion:
    text: str
    #: The question of the knowledge entry the answer came from, if any.
    entry_question: str | None
    confidence: float | None
    #: The customer's message it answers.
    answers_message_id: int


def latest_unanswered(session: Session, conversation: Conversation) -> Message | None:
    """The customer's newest message, if nothing has been sent after it."""
    newest = session.exec(
        select(Message)
        .where(
            Message.workspace_id == conversation.workspace_id,
            Message.conversation_id == conversation.id,
        )
        .order_by(col(Message.created_at).desc(), col(Message.id).desc())
        .limit(1)
    ).first()
    if newest is None or newest.direction != Direction.INBOUND or not newest.body.strip():
        return None
    return newest


def suggest(
    session: Session, workspace: Workspace, conversation: Conversation
) -> Suggestion | None:
    """A suggested answer to the customer's unanswered message, or None when there is
    nothing to answer or the responder has no confident answer."""
    message = latest_unanswered(session, conversation)
    if message is None:
        return None
    stored = message.meta.get("suggestion") or {}
    if stored.get("text"):
        return Suggestion(
            stored["text"], stored.get("entry_question"), stored.get("confidence"), message.id
        )
    reply = offline_reply(session, workspace, message.body, conversation.channel)
    if reply.escalates or not reply.text:
        return None
    return Suggestion(reply.text, reply.entry_question, reply.confidence, message.id)


def offline_reply(
    session: Session, workspace: Workspace, text: str, channel: str = ChannelKind.SMS
) -> Reply:
    """What the offline responder answers to `text` from the workspace's enabled knowledge
    entries, asked the way the console asks it: one message, no history or calendar (so it
    never books or offers times). Also the Knowledge base page's "try it" box."""
    responder = OfflineResponder(knowledge.index_for(session, workspace.id))
    return responder.respond(
        ReplyRequest(
            business=Business(
                name=workspace.name,
                hours=Hours(workspace.business_hours, workspace.timezone),
                after_hours_note=workspace.after_hours_note,
                holding_reply=workspace.holding_reply,
            ),
            channel=channel,
            messages=[text],
            now=utcnow(),
        )
    )
