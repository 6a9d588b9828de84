"""Public catalog pages: the list, the guide of an item and of a bundle, and their PDFs."""

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from ninhaoban.accounts.models import Role
from ninhaoban.accounts.scoping import require_scope
from ninhaoban.catalog import guides, pdfs, selectors
from ninhaoban.catalog.models import ItemType
from ninhaoban.core.errors import DomainError, NotFound
from ninhaoban.licences import selectors as exemptions
from ninhaoban.regions.models import DepartmentType, Region
from ninhaoban.regions.selectors import get_region

PAGE_SIZE = 50


def catalog_list(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region", "").strip()
    department = request.GET.get("department", "").strip()
    item_type = request.GET.get("type", "").strip()
    text = request.GET.get("q", "").strip()[:64]
    versions = selectors.list_items(
        region=region if region.isdigit() and len(region) == 12 else "",
        department_type=department if department in DepartmentType.values else "",
        item_type=item_type if item_type in ItemType.values else "",
        text=text,
    )
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalog/list.html",
        {
            "page": page,
            "regions": selectors.filter_regions(),
            "departments": DepartmentType.choices,
            "types": ItemType.choices,
            "selected": {"region": region, "department": department, "type": item_type},
            "q": text,
            "query": query.urlencode(),
        },
    )


def item_guide(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.get_item(code)
    guide = guides.guide_for(item)
    papers = exemptions.item_exemptions(code)
    near = _near(request)
    return render(
        request,
        "catalog/guide.html",
        {
            "guide": guide,
            "papers": papers,
            "places": selectors.where_to_apply(item, near.code if near else ""),
            "near": near,
        },
    )


def _near(request: HttpRequest) -> Region | None:
    """The region to be near to: the one asked for, else the signed-in applicant's; an
    unknown code is ignored here (the guide still shows, nearest the item's own region)."""
    code = request.GET.get("region", "").strip()
    if code:
        try:
            return get_region(code)
        except DomainError:
            return None
    applicant = getattr(request.user, "applicant", None)
    return applicant.region if applicant is not None else None


def item_guide_pdf(request: HttpRequest, code: str) -> HttpResponse:
    guide = guides.guide_for(selectors.get_item(code))
    return _pdf(pdfs.guide_pdf(guide), f"guide-{code}.pdf")


def bundle_list(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/bundles.html", {"bundles": selectors.bundles()})


def bundle_detail(request: HttpRequest, code: str) -> HttpResponse:
    guide = guides.bundle_guide(selectors.get_bundle(code))
    papers = exemptions.bundle_exemptions(code)
    return render(request, "catalog/bundle.html", {"bg": guide, "papers": papers})


def bundle_pdf(request: HttpRequest, code: str) -> HttpResponse:
    bundle = selectors.get_bundle(code)
    guide = guides.bundle_guide(bundle)
    return _pdf(pdfs.bundle_pdf(guide, guides.bundle_url(bundle)), f"bundle-{code}.pdf")


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def material_file(request: HttpRequest, version_id: int, position: int, kind: str) -> FileResponse:
    """A material's sample or blank form; a draft's only for catalog admins of the item."""
    version = selectors.get_version(version_id)
    if not version.is_published:
        require_scope(
            request.user, (Role.CATALOG_ADMIN,), version.item.region_id, version.item.department_id
        )
    material = version.materials.filter(position=position).first()
    stored = getattr(material, kind, None) if kind in ("sample", "blank_form") else None
    if not stored:
        raise NotFound("没有该文件", "no such file", field="file")
    return FileResponse(
        stored.open("rb"), as_attachment=False, filename=stored.name.rsplit("/", 1)[-1]
    )
