from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "ninhaoban.portal"
    verbose_name = "门户 Portal"
