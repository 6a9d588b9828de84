"""The Django admin writes straight to the tables, past the services that write the ledger:
this mixin puts every save and delete made there in the ledger too, naming the fields that
changed (never their values), so a superuser's edit is as visible as a clerk's."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest

from ninhaoban.ledger.services import record


def admin_actor(request: HttpRequest) -> str:
    user = request.user
    staff = getattr(user, "staff", None)
    return staff.actor if staff is not None else f"user:{user.pk}"


class LedgeredAdmin(admin.ModelAdmin):
    def ledger_subject(self, obj: Any) -> str:
        return f"{obj._meta.label_lower}:{obj.pk}"

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        record(
            "admin.changed" if change else "admin.added",
            self.ledger_subject(obj),
            admin_actor(request),
            {"model": obj._meta.label_lower, "fields": sorted(form.changed_data)},
        )

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: Any, change: bool
    ) -> None:
        """Rows edited inline (a hall's windows, a staff member's roles) are changes too."""
        gone = [
            f"{f.instance._meta.label_lower}:{f.instance.pk}"
            for f in formset.deleted_forms
            if f.instance.pk is not None
        ]
        super().save_formset(request, form, formset, change)
        actor = admin_actor(request)
        for obj in formset.new_objects:
            record("admin.added", f"{obj._meta.label_lower}:{obj.pk}", actor, _of(obj))
        for obj, fields in formset.changed_objects:
            payload = {**_of(obj), "fields": sorted(fields)}
            record("admin.changed", f"{obj._meta.label_lower}:{obj.pk}", actor, payload)
        for subject in gone:
            record("admin.deleted", subject, actor, {"model": subject.split(":")[0]})

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        subject = self.ledger_subject(obj)
        super().delete_model(request, obj)
        record("admin.deleted", subject, admin_actor(request), {"model": obj._meta.label_lower})

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


def _of(obj: models.Model) -> dict[str, str]:
    return {"model": obj._meta.label_lower}
