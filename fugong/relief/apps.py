from django.apps import AppConfig


class ReliefConfig(AppConfig):
    name = "fugong.relief"
    label = "relief"

    def ready(self):
        from fugong.analytics import brief, sections
        from fugong.enterprises.signals import enterprises_moved
        from fugong.relief import services
        from fugong.relief.selectors import brief_section, dashboard_panel

        brief.register("loans", brief_section, order=63)
        sections.register("loans", dashboard_panel, order=63)
        # Open loan cases follow their enterprise to its new area; the registry does not import relief.
        enterprises_moved.connect(services.on_enterprises_moved, dispatch_uid="relief.follow_enterprises")
