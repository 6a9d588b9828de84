from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "ninhaoban.catalog"
    verbose_name = "事项目录与实施清单 Catalog"
