"""网上申报: an applicant applies for an item or a 一件事 bundle from the website.

The same intake service as the window, with the online channel: the page shows which
documents the government already holds (a licence the applicant has, the office's own), asks
for the rest once, and an incomplete application is not stored but answered with the whole
list of what is missing at once (一次性告知).
"""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from ninhaoban.cases import services
from ninhaoban.cases.application import application_page
from ninhaoban.cases.models import Channel
from ninhaoban.cases.services import oneform
from ninhaoban.core.errors import Forbidden
from ninhaoban.portal.acting import actor_of


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "/login/")
    actor = actor_of(request)
    if actor.kind != "applicant":
        raise Forbidden("请以申请人身份登录后网上申报", "sign in as an applicant to apply online")
    source = request.POST if request.method == "POST" else request.GET
    item_code, bundle_code = source.get("item", ""), source.get("bundle", "")
    page = application_page(
        actor,
        services.plan_for(item_code=item_code, bundle_code=bundle_code),
        channel=Channel.ONLINE,
        item_code=item_code,
        bundle_code=bundle_code,
        post=request.POST if request.method == "POST" else None,
        uploaded=request.FILES,
    )
    if page.case is not None:
        return redirect("my-case", case_no=page.case.case_no)
    return render(request, "portal/apply.html", page.context, status=page.status)


@require_POST
def prefill(request: HttpRequest) -> HttpResponse:
    """用共享数据预填: the applicant consents (or withdraws) before applying; the form page
    then shows what their shared data says, each value with its source."""
    if not request.user.is_authenticated:
        return redirect_to_login("/apply/", "/login/")
    actor = actor_of(request)
    if actor.kind != "applicant":
        raise Forbidden("请以申请人身份登录后网上申报", "sign in as an applicant to apply online")
    item_code, bundle_code = request.POST.get("item", ""), request.POST.get("bundle", "")
    plan = services.plan_for(item_code=item_code, bundle_code=bundle_code)
    if request.POST.get("action") == "withdraw":
        oneform.withdraw_prefill(actor.own)
    else:
        oneform.consent_to_prefill(
            actor.own, oneform.fields_of(plan.versions), channel=Channel.ONLINE
        )
    query = {"item": item_code} if item_code else {"bundle": bundle_code}
    return redirect(f"/apply/?{urlencode(query)}#shared-prefill")
