from django.contrib import admin

from ninhaoban.regions.models import Department, Region, ServiceHall, Window, WorkCalendar


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "dept_type", "uscc"]
    list_filter = ["dept_type"]
    search_fields = ["name", "uscc", "region__name"]
    raw_id_fields = ["region"]


class WindowInline(admin.TabularInline):
    model = Window
    extra = 0
    raw_id_fields = ["department"]


@admin.register(ServiceHall)
class ServiceHallAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "address", "hours"]
    search_fields = ["name", "region__name"]
    raw_id_fields = ["region"]
    inlines = [WindowInline]


@admin.register(WorkCalendar)
class WorkCalendarAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working", "kind", "note"]
    list_filter = ["is_working", "kind"]
    date_hierarchy = "date"
    search_fields = ["note"]
