from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "fugong.problems"
    label = "problems"

    def ready(self):
        from fugong.analytics import brief, sections
        from fugong.enterprises.signals import enterprises_moved
        from fugong.problems import services
        from fugong.problems.selectors import brief_section, dashboard_panel

        brief.register("problem_ledger", brief_section, order=60)
        sections.register("problem_ledger", dashboard_panel, order=60)
        # Open cases follow their enterprise to its new area; the registry does not import problems.
        enterprises_moved.connect(services.on_enterprises_moved, dispatch_uid="problems.follow_enterprises")
