from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "ninhaoban.cases"
    verbose_name = "办件 Cases"
