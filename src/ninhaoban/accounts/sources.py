"""Where a request comes from, for the login limits: its address and its browser."""

import hashlib
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str:
    """The client's address. Behind NHB_PROXY_HOPS proxies that each append the address
    they received from to X-Forwarded-For, it is that many entries from the right; anything
    further left was written by the client and proves nothing."""
    if request is None:
        return "-"
    address = request.META.get("REMOTE_ADDR", "")
    hops = settings.NHB_PROXY_HOPS
    if hops:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return "-"


def digest(value: str) -> str:
    """A short keyed digest: counters keyed by it reveal neither the value nor, without the
    secret key, whether a guessed value was counted."""
    key = settings.SECRET_KEY.encode("utf-8")
    return hashlib.blake2b(value.encode("utf-8"), key=key[:64], digest_size=16).hexdigest()


DEVICE_COOKIE = "nhb_device"


@dataclass(frozen=True)
class Source:
    """Who asks for a login code: an address and a browser (digests), or a terminal, which
    everyone in its hall shares and which therefore has a limit of its own, not theirs."""

    ip: str
    device: str = ""
    terminal: bool = False

    @classmethod
    def of(cls, request: HttpRequest) -> "Source":
        cookie = request.COOKIES.get(DEVICE_COOKIE, "")
        return cls(ip=client_ip(request), device=digest(cookie) if cookie else "")

    @classmethod
    def terminal_of(cls, request: HttpRequest, terminal_code: str) -> "Source":
        return cls(ip=client_ip(request), device=f"kiosk:{terminal_code}", terminal=True)

    @classmethod
    def helper_of(cls, request: HttpRequest, staff_pk: int) -> "Source":
        """A 帮办代办 helper asking codes for the residents they serve: like a terminal, a
        limit of their own (one station's computer serves a whole village)."""
        return cls(ip=client_ip(request), device=f"staff:{staff_pk}", terminal=True)
