"""Ratings, rectifications and appeals in the admin, read-only: they change only through
the services, which keep the tallies and the ledger in step."""

from django.contrib import admin

from ninhaoban.evaluation.models import Appeal, Evaluation, Rectification, WindowPad


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnly):
    list_display = ["pk", "target", "level", "channel", "region", "department", "day"]
    list_filter = ["level", "channel", "target"]
    exclude = ["rater"]


@admin.register(Rectification)
class RectificationAdmin(ReadOnly):
    list_display = ["pk", "evaluation", "department", "state", "due_date", "escalated_on"]
    list_filter = ["state"]


@admin.register(Appeal)
class AppealAdmin(ReadOnly):
    list_display = ["pk", "evaluation", "department", "decision", "filed_on", "decided_on"]
    list_filter = ["decision"]


@admin.register(WindowPad)
class WindowPadAdmin(ReadOnly):
    list_display = ["terminal", "window"]
