from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "fugong.problems"
    label = "problems"

    def ready(self):
        from fugong.analytics import brief
        from fugong.problems.selectors import brief_section

        brief.register("problem_ledger", brief_section, order=60)
