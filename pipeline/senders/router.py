"""Which sender delivers a channel: the log sender by default and in the demo (nothing leaves
the machine); with `INBOX_SENDER=live`, Twilio for SMS and WhatsApp and SMTP for email. Web
chat is always stored and fetched by the widget."""

from __future__ import annotations

from data.settings import Settings, get_settings
from data.vocab import ChannelKind
from pipeline.senders import Outgoing, Permanent, Sender, SendResult
from pipeline.senders.log import LogSender
from pipeline.senders.webchat import WebChatSender


class _NotConfigured:
    def __init__(self, reason: str) -> None:
        self.name = "unconfigured"
        self.reason = reason

    def send(self, outgoing: Outgoing) -> SendResult:
        raise Permanent(self.reason, "not_configured")


class Senders:
    """The sender for each channel, built once per dispatch process."""

    def __init__(self, settings: Settings | None = None, **overrides: Sender) -> None:
        settings = settings or get_settings()
        self.by_channel: dict[str, Sender] = {ChannelKind.WEBCHAT: WebChatSender()}
        if settings.sender == "log":
            log = LogSender()
            for kind in (ChannelKind.SMS, ChannelKind.WHATSAPP, ChannelKind.EMAIL):
                self.by_channel[kind] = log
        else:
            self.by_channel.update(self._live(settings))
        self.by_channel.update(overrides)

    @staticmethod
    def _live(settings: Settings) -> dict[str, Sender]:
        from pipeline.senders.email import SmtpSender
        from pipeline.senders.twilio import TwilioSender, build_client

        live: dict[str, Sender] = {}
        if settings.twilio_account_sid and settings.twilio_auth_token:
            callback = (
                f"{settings.public_url.rstrip('/')}/webhooks/twilio/status"
                if settings.public_url
                else None
            )
            twilio = TwilioSender(build_client(settings), callback)
            live[ChannelKind.SMS] = live[ChannelKind.WHATSAPP] = twilio
        else:
            missing = _NotConfigured(
                "Twilio is not configured (INBOX_TWILIO_ACCOUNT_SID and INBOX_TWILIO_AUTH_TOKEN)."
            )
            live[ChannelKind.SMS] = live[ChannelKind.WHATSAPP] = missing
        live[ChannelKind.EMAIL] = (
            SmtpSender(settings.smtp_url.get_secret_value())
            if settings.smtp_url
            else _NotConfigured("Outbound email is not configured (INBOX_SMTP_URL).")
        )
        return live

    def for_channel(self, channel: str) -> Sender:
        return self.by_channel.get(channel) or _NotConfigured(f"No sender for {channel}.")
