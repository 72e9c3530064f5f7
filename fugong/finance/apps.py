from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "fugong.finance"
    label = "finance"

    def ready(self):
        from fugong.analytics import brief, sections
        from fugong.enterprises.signals import enterprises_moved
        from fugong.finance import services
        from fugong.finance.selectors import brief_section, dashboard_panel

        brief.register("financing", brief_section, order=61)
        sections.register("financing", dashboard_panel, order=61)
        # Open cases follow their enterprise to its new area; the registry does not import finance.
        enterprises_moved.connect(services.on_enterprises_moved, dispatch_uid="finance.follow_enterprises")
