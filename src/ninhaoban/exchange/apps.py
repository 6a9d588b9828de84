from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "ninhaoban.exchange"
    verbose_name = "数据共享交换"
