"""网上申报: an applicant applies for an item or a 一件事 bundle from the website.

The same intake service as the window, with the online channel: the page shows which
documents the government already holds (a licence the applicant has, the office's own), asks
for the rest once, and an incomplete application is not stored but answered with the whole
list of what is missing at once (一次性告知).
"""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ninhaoban.cases import services
from ninhaoban.cases.application import application_page
from ninhaoban.cases.models import Channel
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
