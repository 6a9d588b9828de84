from django.contrib import admin

from ninhaoban.accounts.models import Organization, Person, Staff, StaffRole


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    raw_id_fields = ["region", "department"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "phone"]
    search_fields = ["name", "user__username"]
    inlines = [StaffRoleInline]


class ApplicantAdmin(admin.ModelAdmin):
    """Masked in lists; the full number is only in the edit form of an admin."""

    list_display = ["display_name", "masked_identifier", "region", "assurance"]
    search_fields = ["=identifier", "name"]
    raw_id_fields = ["region", "user"]
    exclude = ["kind"]


admin.site.register(Person, ApplicantAdmin)
admin.site.register(Organization, ApplicantAdmin)
