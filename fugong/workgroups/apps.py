from django.apps import AppConfig


class WorkgroupsConfig(AppConfig):
    name = "fugong.workgroups"
    label = "workgroups"

    def ready(self):
        from fugong.analytics import brief, sections
        from fugong.workgroups.selectors import brief_section, dashboard_panel

        brief.register("workgroups", brief_section, order=62)
        sections.register("workgroups", dashboard_panel, order=62)
