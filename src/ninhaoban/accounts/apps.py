from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ninhaoban.accounts"
    verbose_name = "人员 Accounts"
