from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "fugong.policies"
    label = "policies"

    def ready(self):
        from fugong.analytics import brief, sections
        from fugong.policies.selectors import brief_section, dashboard_panel

        brief.register("policies", brief_section, order=66)
        sections.register("policies", dashboard_panel, order=66)
