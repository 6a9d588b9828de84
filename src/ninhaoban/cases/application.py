"""The application page of 网上申报 and of the kiosk's 自助申报: the plan's documents as the
applicant sees them (what the government already holds, what to hand in), the face fields
of the licence the item issues, and on submission the one intake service, whose refusal of
an incomplete application is shown with everything missing at once."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from ninhaoban.cases import results, services
from ninhaoban.cases.models import Case, DeliveryMethod
from ninhaoban.cases.services import Actor, Incomplete
from ninhaoban.cases.services.intake import Plan
from ninhaoban.cases.uploads import posted_files
from ninhaoban.core.errors import DomainError


@dataclass
class ApplicationPage:
    context: dict[str, Any]
    case: Case | None = field(default=None)

    @property
    def status(self) -> int:
        failure = self.context.get("error")
        return failure.status if failure else 422 if "problems" in self.context else 200


def application_page(
    actor: Actor,
    plan: Plan,
    *,
    channel: str,
    item_code: str = "",
    bundle_code: str = "",
    post: Mapping[str, str] | None = None,
    uploaded: Mapping[str, UploadedFile] | None = None,
    received_at: str = "",
) -> ApplicationPage:
    """The page for `actor`'s own application; with `post` (and its `uploaded` files) the
    application is made, and `case` is the case it became."""
    applicant = actor.applicant
    needs = services.preview(applicant, plan, actor=actor)
    fields = results.application_fields(plan.versions)
    page = ApplicationPage(
        {
            "plan": plan,
            "needs": needs,
            "form_fields": fields,
            "item_code": item_code,
            "bundle_code": bundle_code,
            "delivery_methods": DeliveryMethod.choices,
            "applicant": applicant,
        }
    )
    if post is None:
        return page
    try:
        page.case = services.submit(
            actor=actor,
            applicant=applicant,
            channel=channel,
            item_code=item_code,
            bundle_code=bundle_code,
            files=posted_files(uploaded or {}, (need.key for need, _ in needs)),
            form=results.application_form(post, fields),
            consent=bool(post.get("consent")),
            delivery_method=post.get("delivery_method", ""),
            received_at=received_at,
        )
    except Incomplete as exc:
        page.context["problems"] = exc.problems
    except DomainError as exc:
        page.context["error"] = exc
    return page
