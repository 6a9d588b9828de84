"""The exchange registry in the admin: department systems and access rights are kept here,
saved through the services so every change lands in the ledger; traces are read-only."""

from django.contrib import admin
from django.http import HttpRequest

from ninhaoban.exchange import services
from ninhaoban.exchange.models import DataAuthorization, DataQuery, DataSource


def _actor(request: HttpRequest) -> str:
    staff = getattr(request.user, "staff", None)
    return staff.actor if staff else f"user:{request.user.pk}"


@admin.register(DataSource)
class DataSourceAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "department_type", "endpoint", "timeout_ms", "enabled"]

    def save_model(self, request, obj, form, change) -> None:
        saved = services.register_source(
            key=obj.key,
            name=obj.name,
            department_type=obj.department_type,
            endpoint=obj.endpoint,
            offers=obj.offers,
            timeout_ms=obj.timeout_ms,
            enabled=obj.enabled,
            actor=_actor(request),
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DataAuthorization)
class DataAuthorizationAdmin(admin.ModelAdmin):
    list_display = ["data_key", "item_code", "role", "purpose", "active"]
    list_filter = ["data_key", "role", "active"]
    search_fields = ["item_code"]

    def save_model(self, request, obj, form, change) -> None:
        if change and not obj.active:
            services.withdraw_authorization(obj, actor=_actor(request))
            return
        saved = services.authorize(
            data_key=obj.data_key,
            item_code=obj.item_code,
            role=obj.role,
            purpose=obj.purpose,
            actor=_actor(request),
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DataQuery)
class DataQueryAdmin(admin.ModelAdmin):
    """Traces are evidence: nobody edits or deletes them, not even an administrator."""

    list_display = ["created_at", "actor", "role", "data_key", "outcome", "case_ref", "purpose"]
    list_filter = ["outcome", "data_key", "role"]
    search_fields = ["case_ref", "kiosk_session", "actor"]
    exclude = ["applicant"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
