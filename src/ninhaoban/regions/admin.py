from django.contrib import admin
from django.http import HttpRequest

from ninhaoban.ledger.adminlog import LedgeredAdmin
from ninhaoban.regions.models import Department, Region, ServiceHall, Window, WorkCalendar


@admin.register(Region)
class RegionAdmin(LedgeredAdmin):
    list_display = ["code", "name", "level", "kind", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Department)
class DepartmentAdmin(LedgeredAdmin):
    list_display = ["name", "region", "dept_type", "uscc"]
    list_filter = ["dept_type"]
    search_fields = ["name", "uscc", "region__name"]
    raw_id_fields = ["region"]


class WindowInline(admin.TabularInline):
    model = Window
    extra = 0
    raw_id_fields = ["department"]


@admin.register(ServiceHall)
class ServiceHallAdmin(LedgeredAdmin):
    list_display = ["name", "region", "address", "hours"]
    search_fields = ["name", "region__name"]
    raw_id_fields = ["region"]
    inlines = [WindowInline]


@admin.register(WorkCalendar)
class WorkCalendarAdmin(admin.ModelAdmin):
    """Read-only: a change must go through /console/calendar/, which writes the ledger and
    moves the due dates that depended on the day."""

    list_display = ["date", "is_working", "kind", "note", "provisional"]
    list_filter = ["is_working", "kind", "provisional"]
    date_hierarchy = "date"
    search_fields = ["note"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
