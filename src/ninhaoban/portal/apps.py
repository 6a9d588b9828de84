from django.apps import AppConfig
from django.db.models.signals import pre_save


class PortalConfig(AppConfig):
    name = "ninhaoban.portal"
    verbose_name = "门户 Portal"

    def ready(self) -> None:
        from ninhaoban.portal.guard import refuse_unfit_text

        pre_save.connect(refuse_unfit_text, dispatch_uid="ninhaoban.refuse_unfit_text")
