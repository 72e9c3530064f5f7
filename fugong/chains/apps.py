from django.apps import AppConfig


class ChainsConfig(AppConfig):
    name = "fugong.chains"
    label = "chains"

    def ready(self):
        from fugong.analytics import brief, sections
        from fugong.chains import services
        from fugong.chains.selectors import brief_section, dashboard_panel
        from fugong.enterprises.signals import enterprises_moved

        brief.register("chains", brief_section, order=65)
        sections.register("chains", dashboard_panel, order=65)
        enterprises_moved.connect(services.on_enterprises_moved, dispatch_uid="chains.follow_enterprises")
