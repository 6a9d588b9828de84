"""Web addresses that may be stored and shown as links: http(s) only, on an allowed host.

A link's scheme decides what a click does; `javascript:` or `data:` runs in the page that
shows it, so anything a person can type that ends up in an href passes through here.
"""

from collections.abc import Iterable
from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")


def web_url(url: str) -> bool:
    """An absolute http(s) address with a host and no user name or password, with no
    whitespace or control character that a browser would strip to find another scheme."""
    if not url or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return False
    return (
        parts.scheme.lower() in WEB_SCHEMES
        and bool(parts.hostname)
        and parts.username is None
        and parts.password is None
    )


def host_allowed(url: str, allowed: Iterable[str]) -> bool:
    """`allowed` as in Django's ALLOWED_HOSTS: `example.org` is that host only, `.gov.cn`
    that domain and every subdomain, `*` any host."""
    if not web_url(url):
        return False
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    for pattern in allowed:
        pattern = pattern.strip().lower()
        if pattern == "*" or host == pattern.lstrip("."):
            return True
        if pattern.startswith(".") and host.endswith(pattern):
            return True
    return False
