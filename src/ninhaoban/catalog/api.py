"""Catalog API: the public catalog and guides (what kiosks and the search read), and the
audit for catalog admins and supervisors within their regions."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from ninhaoban.accounts.tokens import API_AUTH
from ninhaoban.catalog import audit, guides, selectors, stats
from ninhaoban.catalog.guides import source_text
from ninhaoban.catalog.permissions import visible_findings
from ninhaoban.core.text import BoundedInt

router = Router(tags=["catalog"])
MAX_LIMIT = 200


class ItemOut(Schema):
    code: str
    base_code: str
    name: str
    item_type: str
    region: str
    region_name: str
    department: str
    case_kind: str
    legal_days: int
    promised_days: int
    visits_required: int
    online_depth: int
    kiosk_enabled: bool
    min_assurance: int
    version: int
    aliases: list[str]


class ItemPage(Schema):
    count: int
    items: list[ItemOut]


def _item_out(version) -> ItemOut:
    item = version.item
    return ItemOut(
        code=item.code,
        base_code=item.base.code,
        name=version.name,
        item_type=item.base.item_type,
        region=item.region_id,
        region_name=item.region.name,
        department=item.department.name,
        case_kind=version.case_kind,
        legal_days=version.legal_days,
        promised_days=version.promised_days,
        visits_required=version.visits_required,
        online_depth=version.online_depth,
        kiosk_enabled=version.kiosk_enabled,
        min_assurance=version.min_assurance,
        version=version.number,
        aliases=list(item.base.aliases),
    )


@router.get("/items", response=ItemPage, summary="事项目录 / the catalog in force")
def list_items(
    request: HttpRequest,
    region: str = "",
    department: str = "",
    type: str = "",
    q: str = "",
    offset: BoundedInt = 0,
    limit: BoundedInt = 50,
) -> ItemPage:
    versions = selectors.list_items(
        region=region if region.isdigit() else "",
        department_type=department,
        item_type=type,
        text=q[:64],
    )
    offset, limit = max(offset, 0), min(max(limit, 1), MAX_LIMIT)
    return ItemPage(
        count=versions.count(),
        items=[_item_out(v) for v in versions[offset : offset + limit]],
    )


@router.get("/items/{code}", summary="办事指南 / the guide of a service item")
def item_guide(request: HttpRequest, code: str) -> dict[str, Any]:
    guide = guides.guide_for(selectors.get_item(code))
    content = selectors.version_content(guide.version)
    for row, material in zip(content["materials"], guide.materials, strict=True):
        row["source_text"] = source_text(material)
    return {
        **_item_out(guide.version).dict(),
        **content,
        "valid_from": guide.version.valid_from,
        "limits": guide.limits_text,
        "visits": guide.visits_text,
        "online_link": guide.online_link,
        "halls": [h.__dict__ for h in guide.halls],
    }


@router.get("/bundles", summary="一件事 / bundles")
def list_bundles(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": b.code,
            "name": b.name,
            "region": b.region_id,
            "promised_days": b.promised_days,
            "items": [m.item.code for m in b.members.all()],
            "aliases": list(b.aliases),
        }
        for b in selectors.bundles()
    ]


@router.get("/bundles/{code}", summary="一件事指南 / a bundle's guide")
def bundle_guide(request: HttpRequest, code: str) -> dict[str, Any]:
    bg = guides.bundle_guide(selectors.get_bundle(code))
    return {
        "code": bg.bundle.code,
        "name": bg.bundle.name,
        "promised_days": bg.bundle.promised_days,
        "plan_days": bg.plan_days,
        "stages": [{"stage": s, "items": [g.item.code for g in gs]} for s, gs in bg.stages],
        "materials": [m.__dict__ for m in bg.materials],
        "requested_total": bg.requested_total,
    }


@router.get("/stats", summary="事项统计 / catalog statistics")
def catalog_stats(request: HttpRequest, region: str = "") -> dict[str, Any]:
    return stats.catalog_stats(region=region if region.isdigit() else "")


@router.get("/audit", auth=API_AUTH, summary="同事同标核查 / standardization audit")
def catalog_audit(request: HttpRequest) -> dict[str, Any]:
    findings = visible_findings(request.user, audit.run_audit())
    return {"summary": audit.summary(findings), "findings": [f.as_dict() for f in findings]}
