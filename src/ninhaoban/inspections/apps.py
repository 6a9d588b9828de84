from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "ninhaoban.inspections"
    verbose_name = "双随机与投诉 Public resources"
