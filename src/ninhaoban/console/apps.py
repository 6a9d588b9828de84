from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "ninhaoban.console"
    verbose_name = "工作台 Console"
