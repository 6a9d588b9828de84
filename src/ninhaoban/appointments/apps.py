from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "ninhaoban.appointments"
    verbose_name = "预约取号 Appointments"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from ninhaoban.appointments import selectors
        from ninhaoban.appointments.models import HallSchedule

        post_save.connect(selectors.forget_hours, sender=HallSchedule)
        post_delete.connect(selectors.forget_hours, sender=HallSchedule)
