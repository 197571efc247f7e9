"""Email through SMTP (Python's `smtplib` and `email` packages): the business's From and
Reply-To, threading headers (In-Reply-To and References) so the customer's mail client keeps
the conversation together, `Auto-Submitted: auto-replied` on anything automatic (RFC 3834,
so other robots do not answer it), and our own Message-ID recorded as the provider id so the
customer's reply threads back to this conversation."""

from __future__ import annotations

import smtplib
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import unquote, urlsplit

from data.vocab import DeliveryStatus, SenderKind
from pipeline.senders import Outgoing, Permanent, SendResult, Transient, Unknown

TIMEOUT_SECONDS = 20.0
AUTOMATIC = (SenderKind.AI, SenderKind.AUTOMATION, SenderKind.SYSTEM)


def compose(outgoing: Outgoing) -> EmailMessage:
    message = outgoing.message
    mail = EmailMessage()
    domain = message.from_address.rsplit("@", 1)[-1]
    mail["Message-ID"] = make_msgid(domain=domain)
    mail["From"] = formataddr((outgoing.business_name, message.from_address))
    mail["To"] = message.to_address
    mail["Subject"] = message.subject or f"Message from {outgoing.business_name}".strip()
    if outgoing.reply_to:
        mail["Reply-To"] = outgoing.reply_to
    if outgoing.in_reply_to:
        mail["In-Reply-To"] = outgoing.in_reply_to
    references = [r for r in (outgoing.references or []) if r]
    if outgoing.in_reply_to and outgoing.in_reply_to not in references:
        references.append(outgoing.in_reply_to)
    if references:
        mail["References"] = " ".join(references)
    if message.sender_kind in AUTOMATIC:
        mail["Auto-Submitted"] = "auto-replied" if outgoing.in_reply_to else "auto-generated"
    mail.set_content(message.body)
    return mail


class SmtpSender:
    name = "smtp"

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("INBOX_SMTP_URL must start with smtp:// or smtps://")
        self.ssl = parts.scheme == "smtps"
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (465 if self.ssl else 587)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.starttls = "starttls=1" in (parts.query or "")

    def _connect(self) -> smtplib.SMTP:
        factory = smtplib.SMTP_SSL if self.ssl else smtplib.SMTP
        server = factory(self.host, self.port, timeout=TIMEOUT_SECONDS)
        if self.starttls:
            server.starttls()
        if self.user:
            server.login(self.user, self.password or "")
        return server

    def send(self, outgoing: Outgoing) -> SendResult:
        mail = compose(outgoing)
        try:
            server = self._connect()
        except (OSError, smtplib.SMTPException) as error:
            # Nothing was handed over yet: safe to retry.
            raise Transient(f"Could not reach the mail server: {error}", "smtp_connect") from error
        try:
            refused = server.send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            if all(code >= 500 for code in codes):
                raise Permanent(
                    f"The mail server refused {Address(addr_spec=outgoing.message.to_address)}.",
                    "smtp_550",
                ) from error
            raise Transient("The mail server deferred the recipient.", "smtp_4xx") from error
        except smtplib.SMTPResponseException as error:
            if error.smtp_code >= 500:
                raise Permanent(
                    f"The mail server refused the message ({error.smtp_code}).",
                    f"smtp_{error.smtp_code}",
                ) from error
            raise Transient(
                f"The mail server deferred the message ({error.smtp_code}).",
                f"smtp_{error.smtp_code}",
            ) from error
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as error:
            raise Unknown(
                "The connection to the mail server broke while sending: the email may or may "
                "not have gone out.",
                "unknown",
            ) from error
        finally:
            try:
                server.quit()
            except (OSError, smtplib.SMTPException):
                server.close()
        if refused:
            raise Permanent("The mail server refused the recipient.", "smtp_refused")
        return SendResult(provider_id=mail["Message-ID"], status=DeliveryStatus.SENT)
