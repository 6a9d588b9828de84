from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "ninhaoban.vault"
    verbose_name = "加密存储 Vault"
