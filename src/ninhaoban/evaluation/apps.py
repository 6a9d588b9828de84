from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "ninhaoban.evaluation"
    verbose_name = "好差评 Evaluation"

    def ready(self) -> None:
        """Listen to cases (which may not import us): a case reaching 办结 gets its SMS
        rating link, a recomputed calendar moves open rectifications' dates."""
        from ninhaoban.cases.signals import calendar_recomputed, case_events_logged
        from ninhaoban.evaluation import services

        case_events_logged.connect(services.on_case_events, dispatch_uid="evaluation.invite")
        calendar_recomputed.connect(
            services.on_calendar_recomputed, dispatch_uid="evaluation.recalendar"
        )
