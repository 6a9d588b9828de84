from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from ninhaoban.accounts import services
from ninhaoban.accounts.models import (
    Applicant,
    ApplicantKind,
    Organization,
    Person,
    Staff,
    StaffRole,
)
from ninhaoban.core.errors import DomainError
from ninhaoban.core.idnumbers import mask_phone, parse_id_number, parse_uscc
from ninhaoban.ledger.adminlog import LedgeredAdmin, admin_actor


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    raw_id_fields = ["region", "department"]


@admin.register(Staff)
class StaffAdmin(LedgeredAdmin):
    list_display = ["name", "user", "masked_phone"]
    search_fields = ["name", "user__username"]
    inlines = [StaffRoleInline]

    @admin.display(description="电话")
    def masked_phone(self, obj: Staff) -> str:
        return mask_phone(obj.phone)

    def ledger_subject(self, obj: Staff) -> str:
        return obj.actor


class ApplicantForm(forms.ModelForm):
    """The admin checks numbers like every other door does."""

    normalize: Callable[[str], str]

    def clean_identifier(self) -> str:
        try:
            return self.normalize(self.cleaned_data["identifier"])
        except DomainError as exc:
            raise forms.ValidationError(f"{exc.message_zh} / {exc.message_en}") from None


class PersonForm(ApplicantForm):
    normalize = staticmethod(lambda identifier: parse_id_number(identifier).number)


class OrganizationForm(ApplicantForm):
    normalize = staticmethod(lambda identifier: parse_uscc(identifier).code)


class ApplicantAdmin(LedgeredAdmin):
    """Masked in lists; the full number is only in the edit form, and opening that form is a
    traced read like any other staff read of a person's record. No deletion here: cases,
    licences and the ledger point at the applicant."""

    list_display = ["display_name", "masked_identifier", "region", "assurance"]
    search_fields = ["=identifier", "name"]
    raw_id_fields = ["region", "user"]
    exclude = ["kind"]
    kind = ""

    def ledger_subject(self, obj: Applicant) -> str:
        return obj.subject

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            services.trace_admin_view(obj, admin_actor(request))
        return obj

    def has_delete_permission(self, request: HttpRequest, obj: Applicant | None = None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        obj.kind = self.kind
        super().save_model(request, obj, form, change)


@admin.register(Person)
class PersonAdmin(ApplicantAdmin):
    kind = ApplicantKind.PERSON
    form = PersonForm


@admin.register(Organization)
class OrganizationAdmin(ApplicantAdmin):
    kind = ApplicantKind.ORGANIZATION
    form = OrganizationForm
