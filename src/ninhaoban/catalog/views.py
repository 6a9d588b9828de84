"""Public catalog pages: the list, the guide of an item and of a bundle, and their PDFs."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ninhaoban.catalog import guides, pdfs, selectors
from ninhaoban.catalog.models import ItemType
from ninhaoban.regions.models import DepartmentType

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
    guide = guides.guide_for(selectors.get_item(code))
    return render(request, "catalog/guide.html", {"guide": guide})


def item_guide_pdf(request: HttpRequest, code: str) -> HttpResponse:
    guide = guides.guide_for(selectors.get_item(code))
    return _pdf(pdfs.guide_pdf(guide), f"guide-{code}.pdf")


def bundle_list(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/bundles.html", {"bundles": selectors.bundles()})


def bundle_detail(request: HttpRequest, code: str) -> HttpResponse:
    guide = guides.bundle_guide(selectors.get_bundle(code))
    return render(request, "catalog/bundle.html", {"bg": guide})


def bundle_pdf(request: HttpRequest, code: str) -> HttpResponse:
    bundle = selectors.get_bundle(code)
    guide = guides.bundle_guide(bundle)
    return _pdf(pdfs.bundle_pdf(guide, guides.bundle_url(bundle)), f"bundle-{code}.pdf")


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
