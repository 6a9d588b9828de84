from django.apps import AppConfig


class KioskConfig(AppConfig):
    name = "ninhaoban.kiosk"
    verbose_name = "自助服务终端"
