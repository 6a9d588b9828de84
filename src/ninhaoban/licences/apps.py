from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "ninhaoban.licences"
    verbose_name = "电子证照与证明"
