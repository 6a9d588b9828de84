from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "ninhaoban.evaluation"
    verbose_name = "好差评 Evaluation"
