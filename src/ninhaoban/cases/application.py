"""The application page of 网上申报 and of the kiosk's 自助申报: the plan's documents as the
applicant sees them (what the government already holds, what to hand in), the face fields
of the licence the item issues, and on submission the one intake service, whose refusal of
an incomplete application is shown with everything missing at once.

A refused submission keeps the form: what was typed comes back in its fields, each error
stands beside the field it is about, and the good files are held (`services.held`) and
shown as received, so only what was wrong is asked again. The window's intake uses the
same `Attempt`."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.files.uploadedfile import UploadedFile

from ninhaoban.cases import results, services
from ninhaoban.cases.models import Case, DeliveryMethod
from ninhaoban.cases.services import Actor, Incomplete, held
from ninhaoban.cases.services.intake import POSTAL_FIELDS, Plan
from ninhaoban.cases.uploads import FileIn, posted_files
from ninhaoban.core.errors import DomainError

# the fields of an application form an error can stand beside
FORM_FIELDS = ("delivery_method", *POSTAL_FIELDS)


class Named(Protocol):
    """A document as a form asks for it: a plan's `Need` or a case's `CaseMaterial`."""

    key: str
    name: str


@dataclass(frozen=True)
class MaterialRow:
    """One document of the form: how it is met, the file already received for it, why the
    file chosen for it was refused, and what the 一次性告知 says of it."""

    need: Named
    state: str
    received: held.Held | None = None
    error: DomainError | None = None
    problem: str = ""


class Attempt:
    """One submission of an application form and the files it brings: those chosen now
    and those held from an earlier, refused one."""

    def __init__(
        self,
        actor: Actor,
        needs: Sequence[tuple[Named, str]],
        post: Mapping[str, str],
        uploaded: Mapping[str, UploadedFile],
    ) -> None:
        self.actor, self.needs = actor, list(needs)
        keys = [need.key for need, _ in self.needs]
        self.held = held.held_files(actor, {key: post.get(f"held-{key}", "") for key in keys})
        self.fresh = posted_files(uploaded, keys)
        self.files: dict[str, FileIn] = {k: h.file for k, h in self.held.items()} | self.fresh

    def made(self) -> None:
        held.release(self.actor, self.held)

    def refused(self, failure: DomainError) -> dict[str, Any]:
        """What the page shows again: the held files, and each error beside its field."""
        names = {need.key: need.name for need, _ in self.needs}
        kept, bad = held.hold(self.actor, self.fresh, names)
        received = self.held | kept
        problems = failure.problems if isinstance(failure, Incomplete) else []
        said = {p["material"]: p["problem"] for p in problems}
        beside = failure.field in FORM_FIELDS
        return {
            "rows": [
                MaterialRow(
                    need, state, received.get(need.key), bad.get(need.key), said.get(need.name, "")
                )
                for need, state in self.needs
            ],
            "problems": problems,
            "field_errors": {failure.field: failure} if beside else {},
            "error": None if bad or beside or problems else failure,
        }


def typed_fields(
    fields: Sequence[tuple[str, str]], post: Mapping[str, str] | None
) -> list[tuple[str, str, str]]:
    """(key, label, what was typed) of the licence's face fields the form asks."""
    return [(key, label, (post or {}).get(f"form-{key}", "")) for key, label in fields]


@dataclass
class ApplicationPage:
    context: dict[str, Any]
    case: Case | None = field(default=None)

    @property
    def status(self) -> int:
        failure = self.context.get("failure")
        return failure.status if failure else 200


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
    applicant = actor.own
    needs = services.preview(applicant, plan, actor=actor)
    fields = results.application_fields(plan.versions)
    page = ApplicationPage(
        {
            "plan": plan,
            "rows": [MaterialRow(need, state) for need, state in needs],
            "form_fields": typed_fields(fields, post),
            "typed": post or {},
            "item_code": item_code,
            "bundle_code": bundle_code,
            "delivery_methods": DeliveryMethod.choices,
            "applicant": applicant,
        }
    )
    if post is None:
        return page
    attempt = Attempt(actor, needs, post, uploaded or {})
    try:
        page.case = services.submit(
            actor=actor,
            applicant=applicant,
            channel=channel,
            item_code=item_code,
            bundle_code=bundle_code,
            files=attempt.files,
            form=results.application_form(post, fields),
            consent=bool(post.get("consent")),
            delivery_method=post.get("delivery_method", ""),
            post_address={name: post.get(name, "") for name in POSTAL_FIELDS},
            received_at=received_at,
        )
    except DomainError as exc:
        page.context.update(attempt.refused(exc), failure=exc)
        return page
    attempt.made()
    return page
