from collections.abc import Callable

from django import forms
from django.contrib import admin

from ninhaoban.accounts.models import ApplicantKind, Organization, Person, Staff, StaffRole
from ninhaoban.core.errors import DomainError
from ninhaoban.core.idnumbers import parse_id_number, parse_uscc


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    raw_id_fields = ["region", "department"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "phone"]
    search_fields = ["name", "user__username"]
    inlines = [StaffRoleInline]


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


class ApplicantAdmin(admin.ModelAdmin):
    """Masked in lists; the full number is only in the edit form of an admin."""

    list_display = ["display_name", "masked_identifier", "region", "assurance"]
    search_fields = ["=identifier", "name"]
    raw_id_fields = ["region", "user"]
    exclude = ["kind"]
    kind = ""

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
