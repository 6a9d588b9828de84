"""Catalog admin pages under /console/catalog/: create a draft, edit, preview, publish, end;
the standardization audit and the statistics. Each action checks the catalog_admin scope of
the item (region subtree and department) and calls one service."""

import datetime as dt
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ninhaoban.accounts.models import AssuranceLevel, Role
from ninhaoban.accounts.scoping import require_scope, require_whole_scope, roles_of, scoped
from ninhaoban.catalog import audit, guides, selectors, services, stats, transfer
from ninhaoban.catalog.models import (
    FieldKind,
    FormField,
    OfferMode,
    PublishedVersionFrozen,
    ServiceItem,
    ServiceItemVersion,
)
from ninhaoban.catalog.permissions import report_prefixes, visible_findings
from ninhaoban.catalog.services import CatalogRejected
from ninhaoban.console.catalog_forms import content_from_form, form_from_content
from ninhaoban.core.errors import DomainError, Forbidden, InvalidInput
from ninhaoban.core.text import parse_int
from ninhaoban.regions.models import DepartmentType
from ninhaoban.regions.selectors import (
    city_region,
    department_ids_by_uscc,
    departments_above,
    get_region,
    hall_by_id,
    nearest_department,
)

ADMIN_ROLES = (Role.CATALOG_ADMIN,)


def _actor(request: HttpRequest) -> str:
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise Forbidden("仅限工作人员使用", "for staff only")
    return staff.actor


def _require_item(request: HttpRequest, item: ServiceItem) -> None:
    require_scope(request.user, ADMIN_ROLES, item.region_id, item.department_id)


def _require_any(request: HttpRequest, roles) -> None:
    if not (request.user.is_superuser or roles_of(request.user, roles)):
        raise Forbidden("您没有事项管理权限", "you hold no catalog role")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _actor(request)
    _require_any(request, ADMIN_ROLES)
    text = request.GET.get("q", "").strip()[:64]
    items = scoped(
        selectors.items_for_console(text),
        request.user,
        ADMIN_ROLES,
        region_field="region_id",
        department_field="department_id",
    )
    page = Paginator(items.order_by("region_id", "base__code"), 50).get_page(
        request.GET.get("page")
    )
    drafts = selectors.items_with_drafts([i.pk for i in page])
    return render(
        request,
        "catalog/console/index.html",
        {"page": page, "drafts": drafts, "q": text},
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_item(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _require_any(request, ADMIN_ROLES)
    errors: list = []
    values: dict[str, Any] = request.POST.dict() if request.method == "POST" else {}
    if request.method == "POST":
        try:
            base = selectors.get_base_item(values.get("base_code", "").strip())
            region = get_region(values.get("region", "").strip())
            department = nearest_department(region, values.get("department_type", ""))
            if department is None:
                raise InvalidInput(
                    "该区划没有这一类部门", "no such department for the region", field="department"
                )
            require_scope(request.user, ADMIN_ROLES, region.code, department.pk)
            version = services.create_service_item(
                base=base,
                region=region,
                department=department,
                content=content_from_form(request.POST),
                actor=actor,
            )
            return redirect("catalog-console:item", code=version.item.code)
        except CatalogRejected as exc:
            errors = exc.problems
        except DomainError as exc:
            if isinstance(exc, Forbidden):
                raise
            errors = [exc]
    return render(
        request,
        "catalog/console/edit.html",
        {
            "new": True,
            "errors": errors,
            "values": values or form_from_content(None),
            "departments": DepartmentType.choices,
            "assurance_levels": AssuranceLevel.choices,
        },
        status=422 if errors else 200,
    )


@login_required
def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    _actor(request)
    item = selectors.get_item(code)
    _require_item(request, item)
    return render(
        request,
        "catalog/console/item.html",
        {
            "item": item,
            "versions": selectors.versions_of(item),
            "current": selectors.current_version(item),
            "draft": selectors.draft_of(item),
            "today": selectors.today(),
        },
    )


@login_required
@require_POST
def new_draft(request: HttpRequest, code: str) -> HttpResponse:
    actor = _actor(request)
    item = selectors.get_item(code)
    _require_item(request, item)
    version = services.create_draft(item, actor=actor)
    return redirect("catalog-console:edit", version_id=version.pk)


def _draft(request: HttpRequest, version_id: int) -> ServiceItemVersion:
    version = selectors.get_version(version_id)
    _require_item(request, version.item)
    return version


@login_required
@require_http_methods(["GET", "POST"])
def edit_draft(request: HttpRequest, version_id: int) -> HttpResponse:
    actor = _actor(request)
    version = _draft(request, version_id)
    if version.is_published:
        raise PublishedVersionFrozen()
    errors: list = []
    values = form_from_content(selectors.version_content(version))
    if request.method == "POST":
        values = request.POST.dict()
        try:
            services.update_draft(version, content_from_form(request.POST), actor=actor)
            return redirect("catalog-console:item", code=version.item.code)
        except CatalogRejected as exc:
            errors = exc.problems
    return render(
        request,
        "catalog/console/edit.html",
        {
            "version": version,
            "item": version.item,
            "errors": errors,
            "values": values,
            "assurance_levels": AssuranceLevel.choices,
        },
        status=422 if errors else 200,
    )


@login_required
def preview(request: HttpRequest, version_id: int) -> HttpResponse:
    _actor(request)
    version = _draft(request, version_id)
    guide = guides.guide_of_version(version.item, version)
    return render(request, "catalog/console/preview.html", {"guide": guide, "version": version})


def _date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("日期格式应为YYYY-MM-DD", "a date is YYYY-MM-DD", field=field) from None


@login_required
@require_POST
def publish(request: HttpRequest, version_id: int) -> HttpResponse:
    actor = _actor(request)
    version = _draft(request, version_id)
    services.publish(
        version, actor=actor, valid_from=_date(request.POST.get("valid_from", ""), "valid_from")
    )
    return redirect("catalog-console:item", code=version.item.code)


@login_required
@require_POST
def attach_file(request: HttpRequest, version_id: int) -> HttpResponse:
    actor = _actor(request)
    version = _draft(request, version_id)
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput("请选择文件", "choose a file", field="file")
    position = request.POST.get("position", "")
    services.attach_material_file(
        version,
        position=int(position) if position.isdigit() else 0,
        kind=request.POST.get("kind", ""),
        upload=upload,
        actor=actor,
    )
    return redirect("catalog-console:item", code=version.item.code)


@login_required
@require_POST
def discard(request: HttpRequest, version_id: int) -> HttpResponse:
    actor = _actor(request)
    version = _draft(request, version_id)
    services.discard_draft(version, actor=actor)
    return redirect("catalog-console:item", code=version.item.code)


@login_required
@require_POST
def end(request: HttpRequest, code: str) -> HttpResponse:
    actor = _actor(request)
    item = selectors.get_item(code)
    _require_item(request, item)
    services.end_item(item, actor=actor, on=_date(request.POST.get("on", ""), "on"))
    return redirect("catalog-console:item", code=item.code)


@login_required
def audit_report(request: HttpRequest) -> HttpResponse:
    findings = visible_findings(request.user, audit.run_audit())
    kind = request.GET.get("kind", "")
    if kind in audit.KINDS:
        findings = [f for f in findings if f.kind == kind]
    fmt = request.GET.get("format", "")
    if fmt == "json":
        return JsonResponse(
            {"summary": audit.summary(findings), "findings": [f.as_dict() for f in findings]},
            json_dumps_params={"ensure_ascii": False},
        )
    if fmt == "csv":
        response = HttpResponse(
            "\ufeff" + audit.to_csv(findings), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="catalog-audit.csv"'
        return response
    return render(
        request,
        "catalog/console/audit.html",
        {
            "findings": findings,
            "summary": [(k, audit.KINDS[k], n) for k, n in audit.summary(findings).items()],
            "kind": kind,
        },
    )


@login_required
def stats_report(request: HttpRequest) -> HttpResponse:
    prefixes = report_prefixes(request.user)
    region = "" if "" in prefixes else prefixes[0]
    data = stats.catalog_stats(region=region)
    if request.GET.get("format") == "json":
        return HttpResponse(
            json.dumps(data, ensure_ascii=False), content_type="application/json; charset=utf-8"
        )
    return render(request, "catalog/console/stats.html", {"stats": data})


def _require_file_scope(request: HttpRequest, data: dict[str, Any]) -> None:
    """A catalog admin imports only items of their own regions and departments."""
    rows = [r for r in data.get("service_items") or [] if isinstance(r, dict)]
    departments = department_ids_by_uscc(str(r.get("department", "")) for r in rows)
    for row in rows:
        region = str(row.get("region", "")).strip().ljust(12, "0")
        require_scope(
            request.user, ADMIN_ROLES, region, departments.get(str(row.get("department", "")))
        )


@login_required
@require_http_methods(["GET", "POST"])
def transfer_page(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _require_any(request, ADMIN_ROLES)
    errors: list = []
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise InvalidInput("请选择要导入的文件", "choose a file to import", field="file")
            data, locate, problems = transfer.parse_file(upload.read(), upload.name or "")
            _require_file_scope(request, data)
            result = services.import_catalog(
                data, actor=actor, locate=locate, problems=problems
            ).as_dict()
        except CatalogRejected as exc:
            errors = exc.problems
        except InvalidInput as exc:
            errors = [exc]
    return render(
        request,
        "catalog/console/transfer.html",
        {"errors": errors, "result": result},
        status=422 if errors else 200,
    )


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    _actor(request)
    _require_any(request, ADMIN_ROLES)
    filename = f"catalog-{selectors.today():%Y%m%d}.{fmt}"
    content_type = (
        "application/json"
        if fmt == "json"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(transfer.export_file(filename), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _hall_scope(request: HttpRequest) -> str:
    """The region whose halls the catalog admin keeps: the one asked for inside their
    scope, else their first grant's (the city for a superuser)."""
    asked = request.GET.get("region", "").strip()
    if asked:
        code = get_region(asked).code
        require_scope(request.user, ADMIN_ROLES, code)
        return code
    grants = roles_of(request.user, ADMIN_ROLES)
    return grants[0].region_id if grants else city_region().code


@login_required
def halls(request: HttpRequest) -> HttpResponse:
    """进驻 register: every hall of the admin's region with its 进驻率."""
    _actor(request)
    _require_any(request, ADMIN_ROLES)
    region = _hall_scope(request)
    rates = selectors.entry_rates(region)
    page = Paginator(rates, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/console/halls.html",
        {"page": page, "region": get_region(region)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def hall_register(request: HttpRequest, hall_id: int) -> HttpResponse:
    """One hall's register: the departments stationed and the items offered, and how."""
    actor = _actor(request)
    hall = hall_by_id(hall_id)
    require_scope(request.user, ADMIN_ROLES, hall.region_id)
    error: DomainError | None = None
    if request.method == "POST":
        try:
            departments = [
                parse_int(v, field="department") for v in request.POST.getlist("department")
            ]
            offers = {
                item_id: request.POST.getlist(f"mode-{item_id}")
                for item_id in (parse_int(v, field="item") for v in request.POST.getlist("item"))
            }
            services.set_hall_register(hall, department_ids=departments, offers=offers, actor=actor)
            return redirect("catalog-console:hall", hall_id=hall.pk)
        except DomainError as exc:
            error = exc
    stationed, offers = selectors.hall_register(hall)
    if error is not None:
        stationed = [int(v) for v in request.POST.getlist("department") if v.isdigit()]
        offers = {
            int(v): request.POST.getlist(f"mode-{v}")
            for v in request.POST.getlist("item")
            if v.isdigit()
        }
    rows = [
        {"version": v, "offered": v.item_id in offers, "modes": offers.get(v.item_id, [])}
        for v in selectors.hall_candidates(hall)
    ]
    return render(
        request,
        "catalog/console/hall.html",
        {
            "hall": hall,
            "rate": selectors.entry_rate(hall),
            "departments": departments_above(hall.region),
            "stationed": set(stationed),
            "rows": rows,
            "modes": OfferMode.choices,
            "error": error,
        },
        status=422 if error else 200,
    )


def _optional_int(value: str | None, field: str) -> int | None:
    return parse_int(value, field=field) if (value or "").strip() else None


def _field_from_post(post: Any) -> dict[str, Any]:
    return {
        "label": post.get("label", ""),
        "label_en": post.get("label_en", ""),
        "kind": post.get("kind", ""),
        "required": bool(post.get("required")),
        "max_length": parse_int(post.get("max_length"), field="max_length", default=100),
        "low": _optional_int(post.get("low"), "low"),
        "high": _optional_int(post.get("high"), "high"),
        "choices": post.get("choices", "").splitlines(),
        "help": post.get("help", ""),
        "prefill": post.get("prefill", ""),
    }


@login_required
@require_http_methods(["GET", "POST"])
def form_fields(request: HttpRequest) -> HttpResponse:
    """字段库: every field of the one form with how many published versions print it; a
    city-wide catalog admin adds fields here (the 字段库 is the city's, like the 基本目录)."""
    actor = _actor(request)
    _require_any(request, ADMIN_ROLES)
    error: DomainError | None = None
    values: dict[str, Any] = {"required": True, "max_length": 100}
    if request.method == "POST":
        require_whole_scope(request.user, ADMIN_ROLES)
        values = request.POST.dict()
        try:
            key = request.POST.get("key", "").strip()
            if selectors.form_fields_exist([key]):
                raise InvalidInput(
                    f"字段代码“{key}”已存在，请在其页面修改",
                    f"field {key} exists: edit it on its page",
                    field="key",
                )
            services.save_form_field(key=key, actor=actor, **_field_from_post(request.POST))
            return redirect("catalog-console:field", key=key)
        except DomainError as exc:
            error = exc
    uses = selectors.published_field_uses()
    return render(
        request,
        "catalog/console/fields.html",
        {
            "rows": [(f, uses.get(f.key, 0)) for f in selectors.form_fields()],
            "kinds": FieldKind.choices,
            "values": values,
            "error": error,
        },
        status=error.status if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def form_field(request: HttpRequest, key: str) -> HttpResponse:
    """One field of the 字段库; what a published version prints of it is frozen."""
    actor = _actor(request)
    _require_any(request, ADMIN_ROLES)
    row = selectors.form_field(key)
    error: DomainError | None = None
    values: dict[str, Any] = _field_values(row)
    if request.method == "POST":
        require_whole_scope(request.user, ADMIN_ROLES)
        values = request.POST.dict()
        try:
            services.save_form_field(key=key, actor=actor, **_field_from_post(request.POST))
            return redirect("catalog-console:field", key=key)
        except DomainError as exc:
            error = exc
    return render(
        request,
        "catalog/console/field.html",
        {
            "field": row,
            "uses": selectors.published_field_uses().get(key, 0),
            "kinds": FieldKind.choices,
            "values": values,
            "error": error,
        },
        status=error.status if error else 200,
    )


def _field_values(row: FormField) -> dict[str, Any]:
    return {
        "label": row.label,
        "label_en": row.label_en,
        "kind": row.kind,
        "required": row.required,
        "max_length": row.max_length,
        "low": "" if row.low is None else row.low,
        "high": "" if row.high is None else row.high,
        "choices": "\n".join(str(c) for c in row.choices or []),
        "help": row.help,
        "prefill": row.prefill,
    }
