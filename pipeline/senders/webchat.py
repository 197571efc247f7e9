"""The web-chat sender: the reply is already stored, and the widget fetches it (it polls
`/chat/messages` with a cursor), so sending is marking it delivered."""

from __future__ import annotations

from data.vocab import DeliveryStatus
from pipeline.senders import Outgoing, SendResult


class WebChatSender:
    name = "webchat"

    def send(self, outgoing: Outgoing) -> SendResult:
        return SendResult(
            provider_id=f"chat-{outgoing.message.id}", status=DeliveryStatus.DELIVERED
        )
