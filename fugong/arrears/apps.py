from django.apps import AppConfig


class ArrearsConfig(AppConfig):
    name = "fugong.arrears"
    label = "arrears"

    def ready(self):
        from fugong.analytics import brief, sections
        from fugong.arrears import services
        from fugong.arrears.selectors import brief_section, dashboard_panel
        from fugong.enterprises.signals import enterprises_moved

        brief.register("arrears", brief_section, order=64)
        sections.register("arrears", dashboard_panel, order=64)
        enterprises_moved.connect(services.on_enterprises_moved, dispatch_uid="arrears.follow_enterprises")
