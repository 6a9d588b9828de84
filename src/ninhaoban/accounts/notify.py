"""Telling people things: SMS, email, or (by default) the log.

The provider is chosen by NHB_NOTIFIER; the log provider lets a developer see every status
notice without an SMS contract, with the phone masked and a login code starred out (a log
is read by more people than the phone's owner). Messages never carry full ID numbers.
"""

import json
import logging
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail

from ninhaoban.core.idnumbers import mask_phone

log = logging.getLogger("ninhaoban.notify")


@dataclass(frozen=True)
class Message:
    phone: str
    email: str
    subject: str
    text: str
    secret: str = ""  # a code inside `text` that only the recipient may see

    @property
    def loggable(self) -> str:
        return self.text.replace(self.secret, "*" * len(self.secret)) if self.secret else self.text


class Provider(Protocol):
    def send(self, message: Message) -> None: ...


class LogProvider:
    sent: list[Message] = []

    def send(self, message: Message) -> None:
        LogProvider.sent.append(message)
        del LogProvider.sent[:-200]
        log.info(
            "notify phone=%s subject=%s text=%s",
            mask_phone(message.phone),
            message.subject,
            message.loggable,
        )


class SmsProvider:
    """POSTs JSON {phone, text} to NHB_SMS_URL (an SMS gateway of the operator's choice)."""

    def send(self, message: Message) -> None:
        if not message.phone:
            return
        body = json.dumps({"phone": message.phone, "text": message.text}).encode("utf-8")
        request = urllib.request.Request(
            settings.NHB_SMS_URL, data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()


class EmailProvider:
    def send(self, message: Message) -> None:
        if message.email:
            send_mail(message.subject, message.text, None, [message.email])


PROVIDERS: dict[str, type[Provider]] = {
    "log": LogProvider,
    "sms": SmsProvider,
    "email": EmailProvider,
}


def notify(*, phone: str = "", email: str = "", subject: str, text: str, secret: str = "") -> None:
    """Send through the configured provider; a failing provider is logged, never raised, so a
    notice can not undo the state change it reports. `secret` names the code in `text`
    that no log may print."""
    message = Message(phone=phone, email=email, subject=subject, text=text, secret=secret)
    names = [n.strip() for n in settings.NHB_NOTIFIER.split(",") if n.strip()] or ["log"]
    for name in names:
        try:
            PROVIDERS[name]().send(message)
        except Exception:
            log.exception("notifier %s failed for %s", name, subject)
