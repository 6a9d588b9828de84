from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "ninhaoban.appointments"
    verbose_name = "预约取号 Appointments"
