"""Public verification pages and the applicant's own licences and proofs (亮证)."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ninhaoban.accounts.models import Applicant, Role
from ninhaoban.core.errors import Forbidden, NotFound
from ninhaoban.exchange.models import SELF
from ninhaoban.exchange.selectors import describe_actor, describe_data, queries_about
from ninhaoban.licences import schema, selectors, services
from ninhaoban.licences.documents import licence_pdf, proof_pdf
from ninhaoban.licences.models import Licence
from ninhaoban.licences.payloads import effective_status, verify_licence, verify_proof
from ninhaoban.licences.proofs import kinds_for, requested_kind

PUBLIC = "public"
STATUS_ROLES = (Role.APPROVER, Role.CHIEF)


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def verify_licence_page(request: HttpRequest, identifier: str) -> HttpResponse:
    licence = selectors.licence_by_identifier(identifier)
    verdict = verify_licence(licence)
    services.trace_licence_read(licence, actor=PUBLIC, role=PUBLIC, purpose="扫码核验")
    return render(
        request,
        "licences/verify.html",
        {"licence": licence, "verdict": verdict, "holder": licence.holder.display_name},
    )


def verify_proof_page(request: HttpRequest, number: str) -> HttpResponse:
    proof = selectors.proof_by_number(number)
    verdict = verify_proof(proof)
    services.trace_proof_read(proof, actor=PUBLIC, role=PUBLIC, purpose="扫码核验")
    return render(
        request,
        "licences/verify.html",
        {"proof": proof, "verdict": verdict, "holder": proof.holder.display_name},
    )


def _applicant(request: HttpRequest) -> Applicant:
    applicant = getattr(request.user, "applicant", None)
    if applicant is None:
        raise Forbidden("请以办事人身份登录", "sign in as an applicant")
    return applicant


def _own_licence(request: HttpRequest, identifier: str) -> Licence:
    applicant = _applicant(request)
    licence = selectors.licence_by_identifier(identifier)
    if licence.holder_id != applicant.pk:
        raise NotFound(f"证照{identifier}不存在", f"no licence {identifier}")
    return licence


@login_required(login_url="/login/")
def my_licences(request: HttpRequest) -> HttpResponse:
    applicant = _applicant(request)
    rows = [(lic, effective_status(lic)) for lic in selectors.licences_of(applicant)]
    return render(request, "licences/my_licences.html", {"applicant": applicant, "rows": rows})


@login_required(login_url="/login/")
def my_queries(request: HttpRequest) -> HttpResponse:
    """查询痕迹 for the person concerned: who read their data, when and why."""
    applicant = _applicant(request)
    rows = [
        (q, describe_actor(q.actor, applicant), describe_data(q.data_key))
        for q in queries_about(applicant)
    ]
    return render(request, "licences/my_queries.html", {"applicant": applicant, "rows": rows})


@login_required(login_url="/login/")
def my_licence(request: HttpRequest, identifier: str) -> HttpResponse:
    licence = _own_licence(request, identifier)
    services.trace_licence_read(licence, actor=licence.holder.subject, role=SELF, purpose="亮证")
    fields = [(spec.label, value) for spec, value in schema.face(licence)]
    return render(
        request,
        "licences/my_licence.html",
        {"licence": licence, "verdict": verify_licence(licence), "fields": fields},
    )


@login_required(login_url="/login/")
def my_licence_pdf(request: HttpRequest, identifier: str) -> HttpResponse:
    licence = _own_licence(request, identifier)
    services.trace_licence_read(
        licence, actor=licence.holder.subject, role=SELF, purpose="下载电子证照"
    )
    return _pdf(licence_pdf(licence), f"licence-{licence.identifier}.pdf")


@login_required(login_url="/login/")
@require_http_methods(["GET", "POST"])
def my_proofs(request: HttpRequest) -> HttpResponse:
    """Ask for a proof: the applicant consents to this one query, on this page, once."""
    applicant = _applicant(request)
    kinds = kinds_for(applicant.kind)
    if request.method == "POST":
        kind = requested_kind(
            request.POST.get("kind", ""), request.POST.get("consent") == "yes", applicant.kind
        )
        purpose = request.POST.get("purpose", "").strip() or "办事人自助打印"
        proof = services.self_service_proof(
            applicant=applicant,
            kind=kind,
            purpose=purpose,
            session=f"web-{uuid.uuid4().hex}",
            channel="web",
        )
        return redirect("my-proof-pdf", number=proof.number)
    proofs = applicant.proofs.select_related("issuer").order_by("-issued_at")[:50]
    return render(
        request,
        "licences/my_proofs.html",
        {"applicant": applicant, "kinds": kinds, "proofs": proofs},
    )


@login_required(login_url="/login/")
def my_proof_pdf(request: HttpRequest, number: str) -> HttpResponse:
    applicant = _applicant(request)
    proof = selectors.proof_by_number(number)
    if proof.holder_id != applicant.pk:
        raise NotFound(f"证明{number}不存在", f"no proof {number}")
    services.trace_proof_read(proof, actor=applicant.subject, role=SELF, purpose="打印证明")
    return _pdf(proof_pdf(proof), f"proof-{proof.number}.pdf")
