from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "ninhaoban.regions"
    verbose_name = "行政区划与场所 Regions"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from ninhaoban.core.workdays import set_calendar_loader
        from ninhaoban.regions import calendar
        from ninhaoban.regions.models import WorkCalendar

        set_calendar_loader(calendar.load)
        post_save.connect(calendar.invalidate, sender=WorkCalendar)
        post_delete.connect(calendar.invalidate, sender=WorkCalendar)
