from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "ninhaoban.supervision"
    verbose_name = "一张网考评 Oversight"
