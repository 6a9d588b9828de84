"""我的企业: a person links the companies they represent (checked with the 市场监管 register),
names and revokes their 经办人, and switches to acting for a company ("正在代表"), after which
applying and "my cases" are the company's, every act recorded as theirs for it."""

import datetime as dt

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ninhaoban.accounts import selectors as accounts
from ninhaoban.accounts.models import Applicant, MandateKind
from ninhaoban.accounts.services import revoke_mandate
from ninhaoban.cases import clock
from ninhaoban.cases.services import Actor
from ninhaoban.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from ninhaoban.exchange import organizations
from ninhaoban.labels import one_language
from ninhaoban.portal.acting import ACTING_FOR


def _person(request: HttpRequest) -> Applicant:
    actor = Actor.of(request.user)
    if actor.applicant is None or not actor.applicant.is_person:
        raise Forbidden("请以个人身份登录", "sign in as a person")
    return actor.applicant


def _until(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise InvalidInput(
            "请填写授权截止日期（年-月-日）",
            "enter the last day of the authorization (YYYY-MM-DD)",
            field="until",
        ) from None


def _organization_of(person: Applicant, organization_id: str) -> Applicant:
    """An organization this person represents; any other is not there for them."""
    for mandate in accounts.represented_by(person):
        if str(mandate.organization_id) == organization_id:
            return mandate.organization
    raise NotFound("没有该企业", "no such organization")


@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "/login/")
    person = _person(request)
    today = clock.today()
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "link":
                organizations.link_organization(
                    person=person, uscc=request.POST.get("uscc", ""), day=today
                )
            elif action == "name_agent":
                items = request.POST.get("items", "").replace("，", " ").replace(",", " ")
                organizations.name_agent(
                    organization=_organization_of(person, request.POST.get("organization", "")),
                    representative=person,
                    agent_id_number=request.POST.get("agent", ""),
                    items=[] if request.POST.get("scope") == "all" else items.split(),
                    until=_until(request.POST.get("until", "")),
                    day=today,
                )
            elif action == "revoke":
                mandate = accounts.mandate_by_pk(int(request.POST.get("mandate") or 0))
                if mandate is None:
                    raise NotFound("没有该授权", "no such authorization")
                revoke_mandate(mandate, by=person)
            else:
                raise InvalidInput("未知操作", "unknown action", field="action")
            return redirect("organizations")
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            error, status = one_language(exc), exc.status
    represented = list(accounts.represented_by(person))
    return render(
        request,
        "portal/organizations.html",
        {
            "error": error,
            "held": list(accounts.mandates_held(person, today)),
            "represented": [(m, list(accounts.agents_of(m.organization))) for m in represented],
            "today": today,
            "AGENT": MandateKind.AGENT,
        },
        status=status,
    )


@require_POST
def act(request: HttpRequest) -> HttpResponse:
    """Switch to acting for a company (its id), or back to oneself (empty)."""
    if not request.user.is_authenticated:
        return redirect_to_login("/organizations/", "/login/")
    person = _person(request)
    chosen = request.POST.get("organization", "")
    if not chosen:
        request.session.pop(ACTING_FOR, None)
        return redirect("organizations")
    found = next(
        (
            m.organization
            for m in accounts.mandates_held(person, clock.today())
            if str(m.organization_id) == chosen
        ),
        None,
    )
    if found is None:
        organization = accounts.applicant_by_pk(int(chosen)) if chosen.isdigit() else None
        if organization is None:
            raise NotFound("没有该企业", "no such organization")
        accounts.check_mandate(person, organization, [], clock.today())
        raise Forbidden("您不能代表该企业办事", "you may not act for this organization")
    request.session[ACTING_FOR] = found.pk
    return redirect("my-cases")
