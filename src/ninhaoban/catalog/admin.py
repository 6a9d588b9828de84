"""Django admin for looking at the catalog. Items, versions and bundles change only through
the catalog services (the console pages and imports), which validate and write the ledger,
so here they are read-only; the two maintained tables are edited through services too."""

from django.contrib import admin
from django.http import HttpRequest

from ninhaoban.catalog import services
from ninhaoban.catalog.models import (
    BaseItem,
    Bundle,
    BundleItem,
    Fee,
    MaterialRequirement,
    ProcessStep,
    ProofRequirement,
    ServiceItem,
    ServiceItemVersion,
    TypeLabel,
)


def _actor(request: HttpRequest) -> str:
    staff = getattr(request.user, "staff", None)
    return staff.actor if staff else f"user:{request.user.pk}"


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(TypeLabel)
class TypeLabelAdmin(admin.ModelAdmin):
    list_display = ["label", "item_type", "note"]
    list_filter = ["item_type"]
    search_fields = ["label"]

    def save_model(self, request, obj, form, change) -> None:
        services.save_type_label(
            label=obj.label, item_type=obj.item_type, note=obj.note, actor=_actor(request)
        )

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ProofRequirement)
class ProofRequirementAdmin(admin.ModelAdmin):
    list_display = ["name", "allowed", "reason"]
    list_filter = ["allowed"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change) -> None:
        services.save_proof_requirement(
            name=obj.name, allowed=obj.allowed, reason=obj.reason, actor=_actor(request)
        )

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(BaseItem)
class BaseItemAdmin(ReadOnly):
    list_display = ["code", "name", "item_type", "legal_days"]
    list_filter = ["item_type"]
    search_fields = ["code", "name"]


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnly):
    list_display = ["code", "base", "region", "department"]
    list_filter = ["region__level", "department__dept_type"]
    search_fields = ["code", "base__name", "region__name"]


class MaterialInline(ReadOnlyInline):
    model = MaterialRequirement


class FeeInline(ReadOnlyInline):
    model = Fee


class StepInline(ReadOnlyInline):
    model = ProcessStep


@admin.register(ServiceItemVersion)
class ServiceItemVersionAdmin(ReadOnly):
    list_display = ["item", "number", "state", "valid_from", "valid_to", "promised_days"]
    list_filter = ["state", "case_kind"]
    search_fields = ["item__code", "name"]
    inlines = [MaterialInline, FeeInline, StepInline]


class BundleItemInline(ReadOnlyInline):
    model = BundleItem


@admin.register(Bundle)
class BundleAdmin(ReadOnly):
    list_display = ["code", "name", "region", "promised_days"]
    search_fields = ["code", "name"]
    inlines = [BundleItemInline]
