"""Reads for the kiosk pages: the terminal, the live session, what may be done there."""

import datetime as dt
import hmac

from django.db.models import QuerySet
from django.utils import timezone

from ninhaoban.appointments import selectors as appointments
from ninhaoban.catalog import selectors as catalog
from ninhaoban.catalog.models import Bundle, ServiceItemVersion
from ninhaoban.core.errors import NotFound
from ninhaoban.guidance.engine import pinyin_keys
from ninhaoban.kiosk.models import CallState, Kiosk, KioskSession, Side, VideoCall, VideoSignal
from ninhaoban.kiosk.services import token_hash
from ninhaoban.licences import selectors as licences
from ninhaoban.licences.models import Proof
from ninhaoban.regions.models import Level, Region
from ninhaoban.regions.selectors import ancestors, region_by_code, regions_at

# A terminal in a public hall is left by one person and used by the next: a session ends
# after this much idle time even if nobody pressed 退出.
IDLE = dt.timedelta(minutes=3)


def kiosk_by_code(code: str) -> Kiosk:
    """An active terminal; an unknown or switched-off one looks the same: not there."""
    kiosk = (
        Kiosk.objects.select_related("hall", "hall__region", "hall__region__parent")
        .filter(code=code, active=True)
        .first()
    )
    if kiosk is None:
        raise NotFound(f"自助终端{code}不存在或已停用", f"no terminal {code} in service")
    return kiosk


def is_terminal(kiosk: Kiosk, device_key: str) -> bool:
    """Whether the browser holding this key is the terminal (enrolled, not replaced since)."""
    return bool(kiosk.device_hash and device_key) and hmac.compare_digest(
        kiosk.device_hash, token_hash(device_key)
    )


def session_by_token(kiosk: Kiosk, token: str) -> KioskSession | None:
    """The open session the browser names, also one idle too long, so it can be ended."""
    if not token:
        return None
    return (
        KioskSession.objects.select_related("applicant", "kiosk")
        .filter(kiosk=kiosk, token_hash=token_hash(token), ended_at__isnull=True)
        .first()
    )


def is_idle(session: KioskSession) -> bool:
    return session.last_seen <= timezone.now() - IDLE


SWITCHABLE_LEVELS = (Level.CITY, Level.COUNTY, Level.TOWN)


def switchable_regions() -> list[Region]:
    """全市通办: the city, its counties and their towns, any of which a terminal can act for."""
    return list(regions_at(SWITCHABLE_LEVELS).select_related("parent"))


def acting_region(kiosk: Kiosk, code: str) -> Region:
    """The region whose items the terminal offers now: the one chosen with 全市通办 if it is
    a city, county or town region, else the hall's own."""
    chosen = region_by_code(code) if code and code != kiosk.hall.region_id else None
    if chosen is None or chosen.level not in SWITCHABLE_LEVELS:
        return kiosk.hall.region
    return chosen


def kiosk_items(
    kiosk: Kiosk, query: str = "", region: Region | None = None
) -> list[ServiceItemVersion]:
    """Items that may be applied for at this terminal for a region (the hall's, or the one
    chosen with 全市通办): of each base item whose version in force is kiosk-enabled, the
    implementation of the nearest region above it (the county's at a county hall, the
    city's at 市民之家). The item's region and department decide the case wherever the
    terminal stands (通办)."""
    chain = [r.code for r in ancestors(region or kiosk.hall.region)]
    rank = {code: i for i, code in enumerate(chain)}
    versions = catalog.current_versions().filter(kiosk_enabled=True, item__region_id__in=chain)
    nearest: dict[str, ServiceItemVersion] = {}
    for version in versions:
        base = version.item.base.code
        found = nearest.get(base)
        if found is None or rank[version.item.region_id] < rank[found.item.region_id]:
            nearest[base] = version
    rows = sorted(nearest.values(), key=lambda v: v.item.code)
    return [v for v in rows if _matches(v.name, query)] if query else rows


def bookable_items(kiosk: Kiosk, query: str = "") -> list[ServiceItemVersion]:
    """Items one may book at the terminal's hall (as on the website), found by name or
    pinyin initials like the items to apply for."""
    rows = appointments.bookable_items(kiosk.hall)
    return [v for v in rows if _matches(v.name, query)] if query else rows


def kiosk_bundles(kiosk: Kiosk, region: Region | None = None) -> list[Bundle]:
    """一件事 bundles offered at the terminal for a region (the hall's, or the one chosen with
    全市通办): those of that region and of the regions above it."""
    chain = [r.code for r in ancestors(region or kiosk.hall.region)]
    return list(catalog.bundles().filter(region_id__in=chain).order_by("region_id", "code"))


def kiosk_bundle(kiosk: Kiosk, code: str, region: Region | None = None) -> Bundle:
    found = next((b for b in kiosk_bundles(kiosk, region) if b.code == code), None)
    if found is None:
        raise NotFound(f"一件事{code}不能在本终端办理", f"bundle {code} is not offered here")
    return found


def _matches(name: str, query: str) -> bool:
    """A name matches what was typed as characters, full pinyin or pinyin initials."""
    typed = query.strip().lower().replace(" ", "")
    full, initials = pinyin_keys(name)
    return typed in name or typed in full or typed in initials


def kiosk_item(kiosk: Kiosk, item_code: str, region: Region | None = None) -> ServiceItemVersion:
    found = next((v for v in kiosk_items(kiosk, region=region) if v.item.code == item_code), None)
    if found is None:
        raise NotFound(
            f"事项{item_code}不能在本终端办理", f"item {item_code} is not offered at this terminal"
        )
    return found


def proof_of_session(session: KioskSession, number: str) -> Proof:
    """A proof printed in this session only: the next person cannot reprint the last one's."""
    return licences.proof_printed_in_session(session.applicant, session.session_id, number)


# A call nobody answers within this time stops ringing on the clerks' consoles.
RINGING = dt.timedelta(minutes=2)


def call_of_kiosk(kiosk: Kiosk, call_id: str) -> VideoCall:
    call = VideoCall.objects.select_related("kiosk").filter(kiosk=kiosk, call_id=call_id).first()
    if call is None:
        raise NotFound("该呼叫不存在", "no such call")
    return call


def call_by_id(call_id: str) -> VideoCall:
    call = (
        VideoCall.objects.select_related("kiosk", "kiosk__hall", "kiosk__hall__region")
        .filter(call_id=call_id)
        .first()
    )
    if call is None:
        raise NotFound("该呼叫不存在", "no such call")
    return call


def waiting_calls() -> QuerySet[VideoCall]:
    """Calls ringing now, oldest first (to be narrowed to the clerk's scope by the caller)."""
    return (
        VideoCall.objects.select_related("kiosk", "kiosk__hall")
        .filter(state=CallState.RINGING, started_at__gte=timezone.now() - RINGING)
        .order_by("started_at")
    )


def signals_for(call: VideoCall, reader: str, after: int) -> list[VideoSignal]:
    """What the other side sent after the reader's last seen message."""
    other = Side.CLERK if reader == Side.TERMINAL else Side.TERMINAL
    return list(call.signals.filter(sender=other, pk__gt=after).order_by("pk")[:50])
