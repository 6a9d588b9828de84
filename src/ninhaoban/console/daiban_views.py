"""帮办代办 for a village station's or town centre's helper: draw up a resident's 委托书,
print it, take the resident's signature (on the pad or a scanned page), send the code to
the resident's phone, and with the code read out apply for them on the intake page. And
the counts of 代办 per town and village for town and county staff. Thin: parse, call the
service, render."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from ninhaoban.accounts import selectors as accounts
from ninhaoban.accounts import services as accounts_services
from ninhaoban.accounts.models import Mandate, Staff
from ninhaoban.accounts.scoping import staff_of
from ninhaoban.accounts.sources import Source
from ninhaoban.cases import clock, permissions, selectors
from ninhaoban.cases.services import commissions
from ninhaoban.catalog import selectors as catalog
from ninhaoban.core.errors import DomainError, Forbidden, InvalidInput
from ninhaoban.kiosk.device_views import signature_of


def _helper(request: HttpRequest) -> Staff:
    staff = staff_of(request.user)
    if not permissions.may_take_applications(request.user):
        raise Forbidden(
            "只有便民服务站（中心）的工作人员可以帮办代办",
            "only a station's clerk acts for residents",
        )
    return staff


def _until(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            "请填写委托截止日期", "enter the date the authorization ends", field="until"
        ) from None


@login_required
@require_http_methods(["GET", "POST"])
def commissions_page(request: HttpRequest) -> HttpResponse:
    """My 委托书 and a new one: the resident's ID number (sent by POST only), the items
    of the station's list, the end date."""
    staff = _helper(request)
    today = clock.today()
    context: dict[str, Any] = {
        "rows": list(accounts.commissions_by(staff)[:50]),
        "items": catalog.window_items([g.region_id for g in staff.roles.all()]),
        "chosen": request.POST.getlist("items"),
        "until": request.POST.get("until") or (today + dt.timedelta(days=30)).isoformat(),
        "today": today,
    }
    if request.method == "POST":
        try:
            mandate = commissions.draft(
                helper=staff,
                resident_number=request.POST.get("id_number", ""),
                items=context["chosen"],
                until=_until(request.POST.get("until", "")),
            )
            return redirect("console:daiban-commission", pk=mandate.pk)
        except DomainError as exc:
            context["error"] = exc
            return render(request, "console/daiban/list.html", context, status=exc.status)
    return render(request, "console/daiban/list.html", context)


def _page(request: HttpRequest, mandate: Mandate, error: DomainError | None = None) -> HttpResponse:
    context = {
        "m": mandate,
        "names": commissions.item_names(mandate.items),
        "error": error,
        "apply_url": f"{reverse('console:case-intake')}?commission={mandate.pk}",
    }
    return render(
        request, "console/daiban/commission.html", context, status=error.status if error else 200
    )


@login_required
def commission_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, accounts.commission_for_helper(_helper(request), pk))


@login_required
def commission_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    mandate = accounts.commission_for_helper(_helper(request), pk)
    response = HttpResponse(commissions.document(mandate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="commission-{mandate.pk}.pdf"'
    return response


@login_required
@require_POST
def commission_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """sign (the pad's drawing, or a scanned page), resend the code, or confirm with it."""
    staff = _helper(request)
    mandate = accounts.commission_for_helper(staff, pk)
    source = Source.helper_of(request, staff.pk)
    try:
        if action == "sign":
            scan = request.FILES.get("scan")
            commissions.sign(
                mandate,
                helper=staff,
                signature=scan.read() if scan else signature_of(request),
                scanned=scan is not None,
                source=source,
            )
            messages.info(request, gettext("验证码已发送至居民本人手机，请居民告知验证码。"))
        elif action == "resend":
            accounts_services.send_commission_code(mandate, helper=staff, source=source)
            messages.info(request, gettext("验证码已重新发送。"))
        elif action == "confirm":
            accounts_services.confirm_commission(
                mandate, helper=staff, code=request.POST.get("code", ""), source=source
            )
            return redirect(f"{reverse('console:case-intake')}?commission={mandate.pk}")
        else:
            raise InvalidInput(f"未知操作：{action}", f"unknown action: {action}")
    except DomainError as exc:
        return _page(request, accounts.commission_for_helper(staff, pk), exc)
    return redirect("console:daiban-commission", pk=mandate.pk)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise InvalidInput(
            "日期格式应为YYYY-MM-DD", "dates are written YYYY-MM-DD", field="since"
        ) from None


@login_required
def counts_page(request: HttpRequest) -> HttpResponse:
    """代办统计: the 代办 cases per town and village station in the staff member's scope."""
    staff_of(request.user)
    since, until = _date(request.GET.get("since")), _date(request.GET.get("until"))
    rows = selectors.helper_counts(request.user, since=since, until=until)
    towns: dict[str, dict[str, Any]] = {}
    for row in rows:
        town = towns.setdefault(row["town"], {"name": row["town_name"], "cases": 0, "rows": []})
        town["cases"] += row["cases"]
        town["rows"].append(row)
    context = {
        "towns": list(towns.values()),
        "total": sum(r["cases"] for r in rows),
        "since": since,
        "until": until,
    }
    return render(request, "console/daiban/counts.html", context)
