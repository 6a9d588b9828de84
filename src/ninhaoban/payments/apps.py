from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "ninhaoban.payments"
    verbose_name = "缴费 Payments"
