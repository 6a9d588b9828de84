"""Licences and proofs in the admin, read-only: they change only through the services
(issue, sign, change status), which sign and record every change."""

from django.contrib import admin

from ninhaoban.licences.models import Licence, LicenceType, Proof


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LicenceType)
class LicenceTypeAdmin(ReadOnly):
    list_display = ["code", "name", "issuing_department_type", "holder_kind", "validity_years"]


@admin.register(Licence)
class LicenceAdmin(ReadOnly):
    list_display = ["identifier", "licence_type", "holder_name", "issuer", "status", "issued_on"]
    list_filter = ["status", "licence_type"]
    search_fields = ["=identifier", "=case_ref"]
    exclude = ["holder", "fields"]

    @admin.display(description="持证主体")
    def holder_name(self, obj: Licence) -> str:
        return obj.holder.display_name


@admin.register(Proof)
class ProofAdmin(ReadOnly):
    list_display = ["number", "kind", "holder_name", "issuer", "issued_at", "revoked"]
    list_filter = ["kind", "revoked"]
    search_fields = ["=number"]
    exclude = ["holder", "data"]

    @admin.display(description="申请人")
    def holder_name(self, obj: Proof) -> str:
        return obj.holder.display_name
