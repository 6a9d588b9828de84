from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "ninhaoban.inspections"
    verbose_name = "双随机与投诉 Public resources"

    def ready(self) -> None:
        from ninhaoban.inspections import receivers  # noqa: F401  (connects the signals)
