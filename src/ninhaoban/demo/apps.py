from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ninhaoban.demo"
    verbose_name = "咸宁演示数据 Demo"
