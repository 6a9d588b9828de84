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
from django.http import QueryDict

from ninhaoban.cases import results, services
from ninhaoban.cases.models import Case, DeliveryMethod, MaterialState
from ninhaoban.cases.services import Actor, Incomplete, held, oneform
from ninhaoban.cases.services.intake import POSTAL_FIELDS, Plan, materials_role
from ninhaoban.cases.uploads import FileIn, posted_files
from ninhaoban.catalog.models import FieldKind
from ninhaoban.catalog.oneform import Field
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


@dataclass(frozen=True)
class FormRow:
    """One question of the form: a 字段库 field (with its type, help and check) or a face
    field of the licence the item issues; its value (typed, or what the platform knew), where
    the platform knew it from, and what is wrong with it."""

    key: str
    label: str
    value: str
    field: Field | None = None
    known: oneform.Known | None = None
    error: DomainError | None = None
    before: str = ""  # the known value as the input showed it

    @property
    def input_type(self) -> str:
        kinds: dict[str, str] = {FieldKind.DATE: "date", FieldKind.PHONE: "tel"}
        return kinds.get(self.field.kind, "text") if self.field else "text"

    @property
    def corrected(self) -> bool:
        return self.known is not None and self.value not in ("", self.before)


def typed_fields(
    fields: Sequence[tuple[str, str]],
    post: Mapping[str, str] | None,
    *,
    catalog_fields: Sequence[Field] = (),
    known: Mapping[str, oneform.Known] | None = None,
    errors: Mapping[str, DomainError] | None = None,
) -> list[FormRow]:
    """The form's questions with what was typed, or before anything was, what the platform
    knew (prefill)."""
    by_key = {f.key: f for f in catalog_fields}
    known, errors = known or {}, errors or {}
    rows = []
    for key, label in fields:
        found, field = known.get(key), by_key.get(key)
        before = oneform.shown(field, found.value) if found and field else ""
        value = before if post is None else post.get(f"form-{key}", "")
        rows.append(FormRow(key, label, value, field, found, errors.get(key), before))
    return rows


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
    hall_id: int | None = None,
) -> ApplicationPage:
    """The page for `actor`'s own application; with `post` (and its `uploaded` files) the
    application is made, and `case` is the case it became."""
    applicant = actor.own
    needs = services.preview(applicant, plan, actor=actor)
    fields = results.application_fields(plan.versions)
    asked = oneform.fields_of(plan.versions)
    role = materials_role(actor.kind)
    known = oneform.known_values(applicant, asked, actor=actor.ledger, role=role)
    chosen = post.getlist("template") if isinstance(post, QueryDict) else []
    page = ApplicationPage(
        {
            "plan": plan,
            "rows": [MaterialRow(need, state) for need, state in needs],
            "form_fields": typed_fields(fields, post, catalog_fields=asked, known=known),
            "templates_chosen": chosen,
            "written": sum(state == MaterialState.GENERATED for _, state in needs),
            "typed": post or {},
            "item_code": item_code,
            "bundle_code": bundle_code,
            "delivery_methods": DeliveryMethod.choices,
            "applicant": applicant,
            "shared_prefill": bool(oneform.shared_keys(asked)),
            "shared_prefilled": oneform.prefill_consented(applicant),
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
            hall_id=hall_id,
            templates=chosen,
        )
    except DomainError as exc:
        page.context.update(attempt.refused(exc), failure=exc)
        errors = exc.errors if isinstance(exc, oneform.FormInvalid) else {}
        if errors:
            page.context["form_fields"] = typed_fields(
                fields, post, catalog_fields=asked, known=known, errors=errors
            )
        return page
    attempt.made()
    return page
