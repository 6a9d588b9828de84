"""Catalog admins keep the synonym table; every change goes through the service (and the
ledger), and a bad pair is a form error, not a 500."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from ninhaoban.accounts.models import Role
from ninhaoban.accounts.scoping import roles_of
from ninhaoban.core.errors import DomainError
from ninhaoban.guidance import services
from ninhaoban.guidance.models import Synonym
from ninhaoban.regions.models import Level


def _actor(request: HttpRequest) -> str:
    staff = getattr(request.user, "staff", None)
    return staff.actor if staff is not None else f"user:{request.user.pk}"


def may_edit_synonyms(request: HttpRequest) -> bool:
    """The table is city-wide, so only a catalog admin (or admin) of the whole city edits it."""
    user = request.user
    if user.is_active and user.is_superuser:
        return True
    grants = roles_of(user, [Role.CATALOG_ADMIN])
    return any(g.region.level == Level.CITY for g in grants)


class SynonymForm(forms.ModelForm):
    class Meta:
        model = Synonym
        fields = ["term", "target", "note"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "term" in data and "target" in data:
            try:
                services.clean_synonym(data["term"], data["target"], synonym=self.instance)
            except DomainError as exc:
                raise forms.ValidationError(f"{exc.message_zh} / {exc.message_en}") from None
        return data

    def validate_unique(self) -> None:
        """clean() already answered a duplicate in Chinese and English."""


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    form = SynonymForm
    list_display = ["term", "target", "note", "updated_by", "updated_at"]
    search_fields = ["term", "target"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_edit_synonyms(request)

    def has_view_permission(self, request: HttpRequest, obj: Synonym | None = None) -> bool:
        return may_edit_synonyms(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may_edit_synonyms(request)

    def has_change_permission(self, request: HttpRequest, obj: Synonym | None = None) -> bool:
        return may_edit_synonyms(request)

    def has_delete_permission(self, request: HttpRequest, obj: Synonym | None = None) -> bool:
        return may_edit_synonyms(request)

    def save_model(
        self, request: HttpRequest, obj: Synonym, form: forms.ModelForm, change: bool
    ) -> None:
        services.save_synonym(
            term=obj.term,
            target=obj.target,
            note=obj.note,
            actor=_actor(request),
            synonym=obj,
        )

    def delete_model(self, request: HttpRequest, obj: Synonym) -> None:
        services.delete_synonym(obj, actor=_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Synonym]) -> None:
        for synonym in queryset:
            services.delete_synonym(synonym, actor=_actor(request))
