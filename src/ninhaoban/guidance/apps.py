from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "ninhaoban.guidance"
    verbose_name = "智能导办 Guidance"

    def ready(self) -> None:
        from django.conf import settings

        from ninhaoban.guidance import engine, index

        cache_dir = settings.VAR_DIR / "jieba"
        cache_dir.mkdir(exist_ok=True)
        engine.set_cache_dir(cache_dir)
        index.connect_signals()
