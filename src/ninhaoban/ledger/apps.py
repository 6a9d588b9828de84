from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "ninhaoban.ledger"
    verbose_name = "存证 Ledger"
