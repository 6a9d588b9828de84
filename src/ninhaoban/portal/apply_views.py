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

from ninhaoban.cases import results, services
from ninhaoban.cases.models import Channel, DeliveryMethod
from ninhaoban.cases.services import Actor
from ninhaoban.cases.services.transitions import Incomplete
from ninhaoban.cases.uploads import posted_files
from ninhaoban.core.errors import DomainError, Forbidden


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "/login/")
    actor = Actor.of(request.user)
    if actor.kind != "applicant":
        raise Forbidden("请以申请人身份登录后网上申报", "sign in as an applicant to apply online")
    source = request.POST if request.method == "POST" else request.GET
    item_code, bundle_code = source.get("item", ""), source.get("bundle", "")
    plan = services.plan_for(item_code=item_code, bundle_code=bundle_code)
    needs = services.preview(actor.applicant, plan, actor=actor)
    fields = results.application_fields(plan.versions)
    context = {
        "plan": plan,
        "needs": needs,
        "form_fields": fields,
        "item_code": item_code,
        "bundle_code": bundle_code,
        "delivery_methods": DeliveryMethod.choices,
        "applicant": actor.applicant,
    }
    if request.method == "POST":
        files = posted_files(request.FILES, (need.key for need, _ in needs))
        try:
            case = services.submit(
                actor=actor,
                applicant=actor.applicant,
                channel=Channel.ONLINE,
                item_code=item_code,
                bundle_code=bundle_code,
                files=files,
                form=results.application_form(request.POST, fields),
                consent=bool(request.POST.get("consent")),
                delivery_method=request.POST.get("delivery_method", ""),
            )
        except Incomplete as exc:
            context["problems"] = exc.problems
        except DomainError as exc:
            context["error"] = exc
        else:
            return redirect("my-case", case_no=case.case_no)
    failed = "problems" in context or "error" in context
    return render(request, "portal/apply.html", context, status=422 if failed else 200)
