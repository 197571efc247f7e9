"""The log sender (the embedded default and the demo): records the message in the log and
reports it sent, without anything leaving the machine."""

from __future__ import annotations

import logging
import uuid

from data.vocab import DeliveryStatus
from pipeline.senders import Outgoing, SendResult

log = logging.getLogger("inbox.sender.log")


class LogSender:
    name = "log"

    def send(self, outgoing: Outgoing) -> SendResult:
        message = outgoing.message
        log.info(
            "send %s message %s to %s (%d chars)",
            message.channel,
            message.id,
            message.to_address,
            len(message.body),
        )
        return SendResult(provider_id=f"log-{uuid.uuid4().hex}", status=DeliveryStatus.SENT)
