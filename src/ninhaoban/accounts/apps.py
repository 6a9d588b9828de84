from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ninhaoban.accounts"
    verbose_name = "人员 Accounts"

    def ready(self) -> None:
        from ninhaoban.accounts import signals  # noqa: F401 - connects the ledger receivers
